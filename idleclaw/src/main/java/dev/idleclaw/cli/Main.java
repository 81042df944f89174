package dev.idleclaw.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code idleclaw} entry point. Every option takes its value from the flag, then the environment variable named
 * in its help, then the default shown there.
 */
@Command(name = "idleclaw", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "IdleClaw: a community inference network for Ollama.",
        subcommands = {ServerCommand.class, RouterCommand.class, WorkerCommand.class, TrackerCommand.class, PeersCommand.class, ContributeCommand.class, ConsumeCommand.class, StatusCommand.class,
                KeygenCommand.class, WhoamiCommand.class, BalanceCommand.class, AdminCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line {@link #run} executes (tests adjust it, e.g. the help width). */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
