package dev.idleclaw.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import picocli.CommandLine;

/** Runs a command line in-process and captures its exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {

    /** {@code idleclaw <args>} through {@link Main#run}. */
    static CliRun main(String... args) {
        return capture(() -> Main.run(args));
    }

    /** One command object, e.g. with injected dependencies. */
    static CliRun command(Object command, String... args) {
        return capture(() -> new CommandLine(command).execute(args));
    }

    /** {@code idleclaw <args>} with help text 200 columns wide, so a phrase is never wrapped. */
    static CliRun wide(String... args) {
        return capture(() -> Main.commandLine().setUsageHelpAutoWidth(false).setUsageHelpWidth(200).execute(args));
    }

    static synchronized CliRun capture(IntSupplier body) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = body.getAsInt();
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    java.util.List<String> lines() {
        return out.lines().toList();
    }
}
