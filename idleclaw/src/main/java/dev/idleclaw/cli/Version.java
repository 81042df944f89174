package dev.idleclaw.cli;

import picocli.CommandLine;

/** The build version, read from the jar manifest ({@code dev} when run from classes). */
public final class Version implements CommandLine.IVersionProvider {

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"idleclaw " + current() + " (Java " + Runtime.version() + ")"};
    }
}
