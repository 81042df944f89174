package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.json.Json;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who sees what of {@code /balance} and {@code /ledger} (issue 11 #4): by default a caller sees its own account and
 * receipts, the admin everything, anyone the totals; {@code publicLedger} shows everything to anyone.
 */
@Timeout(30)
class LedgerVisibilityTest {
    private static final String ADMIN = "admin-token-for-tests";
    private final Identity worker = Identity.generate(), alice = Identity.generate(), bob = Identity.generate();

    private HubFixture hubWithReceipts(Consumer<HubConfig.Builder> change) throws Exception {
        var hub = HubFixture.start(c -> {
            c.adminToken = ADMIN;
            change.accept(c);
        });
        long now = System.currentTimeMillis();
        for (String requester : List.of(alice.publicKey(), bob.publicKey(), Receipt.ANONYMOUS)) {
            hub.hub.ledger().append(SignedReceipt.sign(new Receipt(Receipt.VERSION, "job", Nonces.next(), requester,
                    worker.publicKey(), "m:1", 10, 5, now - 10, now), worker));
        }
        return hub;
    }

    private static JsonNode get(HubFixture hub, String pathAndQuery, Identity signer, String... headers) throws Exception {
        List<String> h = new ArrayList<>(List.of(headers));
        if (signer != null) {
            URI uri = URI.create(hub.url(pathAndQuery));
            Map<String, String> signed = RequestSignature.sign(signer, "GET", pathAndQuery, RequestSignature.hostHeader(uri),
                    new byte[0], System.currentTimeMillis());
            signed.forEach((k, v) -> {
                h.add(k);
                h.add(v);
            });
        }
        var res = hub.get(pathAndQuery, h.toArray(String[]::new));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Json.parse(res.body());
    }

    private static List<String> requesters(JsonNode ledgerPage) {
        List<String> out = new ArrayList<>();
        ledgerPage.path("receipts").forEach(r -> out.add(r.path("receipt").path("requesterPubkey").asText()));
        return out;
    }

    private static List<String> accounts(JsonNode balance) {
        List<String> out = new ArrayList<>();
        balance.path("perPeer").forEach(a -> out.add(a.path("pubkey").asText()));
        return out;
    }

    @Test
    void anAnonymousCallerSeesTheTotalsButNoReceiptOrAccountOfOthers() throws Exception {
        try (var hub = hubWithReceipts(c -> {})) {
            var page = get(hub, "/ledger?limit=500", null);
            assertThat(page.path("total").asLong()).isEqualTo(3);
            assertThat(page.path("receipts")).isEmpty();
            var balance = get(hub, "/balance", null);
            assertThat(balance.path("totals").path("receipts").asLong()).isEqualTo(3);
            assertThat(balance.path("perPeer")).isEmpty();
            assertThat(balance.path("self").path("pubkey").asText()).isEqualTo(hub.hub.publicKey());
            assertThat(get(hub, "/ledger", null, "Authorization", "Bearer wrong-token").path("receipts")).isEmpty();
        }
    }

    @Test
    void aSignedCallerSeesOnlyItsOwnReceiptsAndAccount() throws Exception {
        try (var hub = hubWithReceipts(c -> {})) {
            assertThat(requesters(get(hub, "/ledger?limit=500", alice))).containsExactly(alice.publicKey());
            var balance = get(hub, "/balance", alice);
            assertThat(balance.path("self").path("pubkey").asText()).isEqualTo(alice.publicKey());
            assertThat(balance.path("self").path("spent").asLong()).isEqualTo(15);
            assertThat(accounts(balance)).containsExactly(alice.publicKey());
            assertThat(get(hub, "/ledger", worker).path("receipts")).as("a worker sees what it served").hasSize(3);
        }
    }

    @Test
    void aTrustedPeerForwardingOnSomeonesBehalfCannotReadTheirReceipts() throws Exception {
        Identity peer = Identity.generate();
        java.nio.file.Path peers = java.nio.file.Files.createTempDirectory("peers").resolve("peers.json");
        java.nio.file.Files.writeString(peers, "[{\"pubkey\":\"" + peer.publicKey() + "\",\"url\":\"http://127.0.0.1:9\"}]\n");
        try (var hub = hubWithReceipts(c -> {
            c.peersFile = peers;
            c.localPeers = true;
        })) {
            assertThat(hub.hub.trustsForwarder(peer.publicKey())).isTrue();
            URI uri = URI.create(hub.url("/ledger?limit=500"));
            var forward = dev.idleclaw.auth.ForwardSignature.sign(peer, "GET", "/ledger?limit=500", RequestSignature.hostHeader(uri),
                    new byte[0], alice.publicKey(), List.of(), System.currentTimeMillis());
            List<String> h = new ArrayList<>();
            forward.forEach((k, v) -> {
                h.add(k);
                h.add(v);
            });
            var res = hub.get("/ledger?limit=500", h.toArray(String[]::new));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Json.parse(res.body()).path("receipts")).isEmpty();
        }
    }

    @Test
    void theAdminSeesEverything() throws Exception {
        try (var hub = hubWithReceipts(c -> {})) {
            String[] admin = {"Authorization", "Bearer " + ADMIN};
            assertThat(requesters(get(hub, "/ledger?limit=500", null, admin)))
                    .containsExactlyInAnyOrder(alice.publicKey(), bob.publicKey(), Receipt.ANONYMOUS);
            assertThat(accounts(get(hub, "/balance", null, admin)))
                    .containsExactlyInAnyOrder(worker.publicKey(), alice.publicKey(), bob.publicKey());
        }
    }

    @Test
    void aPublicLedgerShowsEverythingToAnyone() throws Exception {
        try (var hub = hubWithReceipts(c -> c.publicLedger = true)) {
            assertThat(requesters(get(hub, "/ledger?limit=500", null)))
                    .containsExactlyInAnyOrder(alice.publicKey(), bob.publicKey(), Receipt.ANONYMOUS);
            assertThat(accounts(get(hub, "/balance", null)))
                    .containsExactlyInAnyOrder(worker.publicKey(), alice.publicKey(), bob.publicKey());
        }
    }
}
