package dev.idleclaw.clients.ollama4j;

import dev.idleclaw.e2e.ClientNetwork;
import io.github.ollama4j.Ollama;

/** ollama4j clients for a test network. */
final class Ollama4jClients {
    /** ollama4j's default request timeout is 10 s; the slow stand-in answers take longer. */
    private static final int TIMEOUT_SECONDS = 60;

    private Ollama4jClients() {}

    /** The client for the hub: base URL without {@code /api}, one tool round per chat so a wrong reply cannot loop. */
    static Ollama of(ClientNetwork network) {
        var client = new Ollama(network.net.url());
        client.setRequestTimeoutSeconds(TIMEOUT_SECONDS);
        client.setMaxChatToolCallRetries(1);
        return client;
    }
}
