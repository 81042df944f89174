package dev.idleclaw.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.admission.ClientIp;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routes mounted under a prefix in another server (as a hub would), next to that server's own routes. */
class TrackerMountTest {

    @Test
    void mountedRoutesServeUnderTheirPrefixBesideTheHostsOwn() throws Exception {
        var tracker = new Tracker(UrlSafety.of(UrlSafety.Policy.DEFAULT), () -> TrackerFixture.VECTOR_TIME, Tracker.MAX_ENTRIES);
        var routes = new TrackerRoutes(tracker, TrackerConfig.DEFAULT_REQUESTS_PER_MINUTE, new ClientIp(List.of()));
        var app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/", ctx -> ctx.result("host root"));
            routes.mount(cfg.routes, "/tracker");
        }).start("127.0.0.1", 0);
        try {
            var http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.port();
            var signed = TrackerFixture.signed(Identity.generate(), TrackerFixture.PEER_URL, TrackerFixture.VECTOR_TIME);
            var announced = http.send(HttpRequest.newBuilder(URI.create(base + "/tracker/announce"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(signed.toJson()))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(announced.statusCode()).as(announced.body()).isEqualTo(200);
            assertThat(get(http, base + "/tracker")).isEqualTo("lobstah-tracker (live peers: 1)\n");
            assertThat(get(http, base + "/tracker/peers")).contains(signed.signature());
            assertThat(get(http, base + "/")).isEqualTo("host root");
        } finally {
            app.stop();
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
