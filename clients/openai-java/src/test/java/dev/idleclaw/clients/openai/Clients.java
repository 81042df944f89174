package dev.idleclaw.clients.openai;

import dev.idleclaw.e2e.ClientNetwork;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.time.Duration;

/** How the suites build the SDK: no hidden retries, explicit timeouts, a non-empty key (the hub has auth off). */
final class Clients {
    private Clients() {}

    static OpenAIClient openAi(ClientNetwork network) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(network.v1())
                .apiKey("test-key")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
