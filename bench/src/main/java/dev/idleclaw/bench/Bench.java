package dev.idleclaw.bench;

import dev.idleclaw.bench.fleet.FleetCommand;
import dev.idleclaw.bench.load.LoadCommand;
import dev.idleclaw.bench.micro.BodyCostCommand;
import dev.idleclaw.bench.scenario.ScenarioCommand;
import dev.idleclaw.bench.sim.SimCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the benchmark harness: {@code fleet}, {@code load}, {@code ollama-sim}, {@code scenario} and {@code body-cost}. */
@Command(name = "idleclaw-bench", mixinStandardHelpOptions = true, version = "idleclaw-bench 0.1.0",
        description = "IdleClaw benchmark harness: prints figures, never a pass/fail test.",
        subcommands = {FleetCommand.class, LoadCommand.class, SimCommand.class, ScenarioCommand.class, BodyCostCommand.class})
public final class Bench implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IllegalArgumentException)) throw e;
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage()); // a bad option value: no stack trace
            return 2;
        }).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
