package dev.idleclaw.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code idleclaw server --tracker}: the tracker mounted inside a hub, beside the hub's own {@code /peers}. */
class HubMountedTrackerTest {

    @Test
    void aHubWithTrackerOnAcceptsAnnouncementsUnderTrackerAndKeepsItsOwnPeersRoute() throws Exception {
        var hub = HubFixture.on(Files.createTempDirectory("hub-tracker"), c -> {
            c.tracker = true;
            c.localPeers = true;
        }).hub;
        try {
            var http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + hub.port();
            Identity worker = Identity.generate();
            var a = SignedAnnouncement.sign(new Announcement(Announcement.VERSION, worker.publicKey(), "http://127.0.0.1:17474",
                    "w", List.of("llama3.2:3b"), null, 300, System.currentTimeMillis()), worker);
            var res = http.send(HttpRequest.newBuilder(URI.create(base + "/tracker/announce"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(a.toJson()))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            var peers = Json.parse(http.send(HttpRequest.newBuilder(URI.create(base + "/tracker/peers")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(peers.path("count").asInt()).isEqualTo(1);
            assertThat(peers.path("peers").get(0).path("announcement").path("pubkey").asText()).isEqualTo(worker.publicKey());
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/peers")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("[]");
        } finally {
            hub.close();
        }
    }
}
