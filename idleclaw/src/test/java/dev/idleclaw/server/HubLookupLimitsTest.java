package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Catalog and ledger lookups share the per-client budget of the other API paths (a flood of them is a 429). */
class HubLookupLimitsTest {
    /** The budget per minute the hub under test allows. */
    private static final int BUDGET = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /api/tags", "POST /api/show", "GET /ledger", "GET /balance", "GET /api/ps", "GET /peers"})
    void aLookupBeyondTheBudgetIs429WithRetryAfter(String call) throws Exception {
        try (var hub = HubFixture.start(c -> c.defaultRpm = BUDGET)) {
            String method = call.split(" ")[0], path = call.split(" ")[1];
            for (int i = 0; i < BUDGET; i++) assertThat(send(hub, method, path).statusCode()).as("request %d", i).isNotEqualTo(429);
            var refused = send(hub, method, path);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
    }

    private static HttpResponse<String> send(HubFixture hub, String method, String path) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(hub.url(path)));
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m:1\"}")) : b.GET();
        return hub.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
