package dev.idleclaw.bench.sim;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ollama-sim}: the simulated Ollama as its own process, until killed. */
@Command(name = "ollama-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulated Ollama (streamed NDJSON /api/chat only) with the fleet's token timing, for direct baselines at fleet scale.")
public final class SimCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "0", description = "Port, 0 = any free one (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--model", defaultValue = "llama3.2", description = "Model name it reports (it answers any) (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--tokens", defaultValue = "100", description = "Content chunks per answer (default: ${DEFAULT-VALUE}).")
    int tokens;
    @Option(names = "--delay-ms", defaultValue = "20", description = "Delay before each token, ms (default: ${DEFAULT-VALUE}).")
    long delayMs;

    @Override
    public Integer call() throws InterruptedException {
        if (model.contains("\"") || model.contains("\\")) throw new IllegalArgumentException("--model must not contain quotes or backslashes");
        var sim = SimServer.start(port, model, tokens, delayMs);
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "ollama-sim-stop"));
        System.out.println("ollama sim listening on " + sim.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
