package dev.idleclaw.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.identity.Bip340;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.NostrKey;
import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NIP-01 events and Lobstah's announcement events: ids, BIP-340 signatures, tags and the checks on reading them. */
class NostrEventTest {
    private final NostrKey key = NostrKey.generate();
    private final Identity identity = Identity.generate();

    private SignedAnnouncement signed(long announcedAt) {
        var a = new Announcement(Announcement.VERSION, identity.publicKey(), "http://10.0.0.5:17474", "w", List.of("m:7b"), null, 300,
                announcedAt);
        return SignedAnnouncement.sign(a, identity);
    }

    @Test
    void theIdIsTheSha256OfTheNip01SerializationAndTheSignatureVerifies() {
        var ev = NostrEvent.sign(key, 1_700_000_000L, 1, List.of(List.of("t", "x")), "line\nquote\" tab\t é");
        String serialized = "[0,\"" + key.publicKeyHex() + "\",1700000000,1,[[\"t\",\"x\"]],\"line\\nquote\\\" tab\\t é\"]";
        byte[] id = Bip340.sha256().digest(serialized.getBytes(StandardCharsets.UTF_8));
        assertThat(ev.id()).isEqualTo(HexFormat.of().formatHex(id));
        assertThat(Bip340.verify(HexFormat.of().parseHex(ev.pubkey()), id, HexFormat.of().parseHex(ev.sig()))).isTrue();
        assertThat(ev.valid()).isTrue();
    }

    @Test
    void anyChangeToASignedEventMakesItInvalid() {
        var ev = NostrEvent.sign(key, 1_700_000_000L, 1, List.of(), "hello");
        assertThat(new NostrEvent(ev.id(), ev.pubkey(), ev.createdAt(), ev.kind(), ev.tags(), "hullo", ev.sig()).valid()).isFalse();
        assertThat(new NostrEvent(ev.id(), ev.pubkey(), ev.createdAt() + 1, ev.kind(), ev.tags(), ev.content(), ev.sig()).valid()).isFalse();
        String other = NostrKey.generate().publicKeyHex();
        assertThat(new NostrEvent(ev.id(), other, ev.createdAt(), ev.kind(), ev.tags(), ev.content(), ev.sig()).valid()).isFalse();
        var forged = NostrEvent.sign(NostrKey.generate(), ev.createdAt(), ev.kind(), ev.tags(), ev.content());
        assertThat(new NostrEvent(ev.id(), ev.pubkey(), ev.createdAt(), ev.kind(), ev.tags(), ev.content(), forged.sig()).valid()).isFalse();
        assertThat(new NostrEvent(ev.id(), ev.pubkey(), ev.createdAt(), ev.kind(), ev.tags(), ev.content(), "zz").valid()).isFalse();
    }

    @Test
    void theWireFormRoundTrips() throws Exception {
        var ev = NostrAnnouncements.announcement(key, signed(1_795_264_697_310L), 1_795_264_697L);
        var back = NostrEvent.fromJson(Json.parse(Json.write(ev.toJson())));
        assertThat(back).isEqualTo(ev);
        assertThat(back.valid()).isTrue();
        assertThatThrownBy(() -> NostrEvent.fromJson(Json.parse("{\"id\":\"x\"}"))).isInstanceOf(AnnounceFormatException.class);
        assertThatThrownBy(() -> NostrEvent.fromJson(Json.parse("[1]"))).isInstanceOf(AnnounceFormatException.class);
    }

    @Test
    void anAnnouncementEventHasLobstahsKindTagsAndContent() throws Exception {
        var s = signed(1_795_264_697_310L);
        var ev = NostrAnnouncements.announcement(key, s, 1_795_264_697L);
        assertThat(ev.kind()).isEqualTo(31474);
        assertThat(ev.tags()).containsExactly(List.of("d", "lobstah-peer"), List.of("t", "lobstah"),
                List.of("lobstah_pubkey", identity.publicKey()));
        assertThat(ev.content()).isEqualTo(Json.write(s.toJson())).startsWith("{\"announcement\":{");
        assertThat(SignedAnnouncement.fromJson(NostrAnnouncements.content(ev)).signatureValid()).isTrue();
        var w = NostrAnnouncements.withdrawal(key, ev.id(), 1_795_264_700L);
        assertThat(w.kind()).isEqualTo(5);
        assertThat(w.tags()).containsExactly(List.of("e", ev.id()));
        assertThat(w.content()).isEqualTo("lobstah unannounce");
        assertThat(w.valid()).isTrue();
    }

    @Test
    void readingRefusesAWrongKindABadSignatureOrAPubkeyTagThatDoesNotMatch() {
        var s = signed(1_795_264_697_310L);
        var good = NostrAnnouncements.announcement(key, s, 1_795_264_697L);
        var wrongKind = NostrEvent.sign(key, good.createdAt(), 1, good.tags(), good.content());
        assertThatThrownBy(() -> NostrAnnouncements.content(wrongKind)).hasMessageContaining("kind");
        var forged = new NostrEvent(good.id(), good.pubkey(), good.createdAt(), good.kind(), good.tags(), good.content(),
                NostrEvent.sign(NostrKey.generate(), 1, 1, List.of(), "").sig());
        assertThatThrownBy(() -> NostrAnnouncements.content(forged)).hasMessageContaining("signature");
        var wrongTag = NostrEvent.sign(key, good.createdAt(), NostrAnnouncements.KIND,
                List.of(List.of("d", "lobstah-peer"), List.of("lobstah_pubkey", Identity.generate().publicKey())), good.content());
        assertThatThrownBy(() -> NostrAnnouncements.content(wrongTag)).hasMessageContaining("lobstah_pubkey");
        var noTag = NostrEvent.sign(key, good.createdAt(), NostrAnnouncements.KIND, List.of(List.of("d", "lobstah-peer")), good.content());
        assertThatThrownBy(() -> NostrAnnouncements.content(noTag)).hasMessageContaining("lobstah_pubkey");
        var notJson = NostrEvent.sign(key, good.createdAt(), NostrAnnouncements.KIND, good.tags(), "not json");
        assertThatThrownBy(() -> NostrAnnouncements.content(notJson)).hasMessageContaining("JSON");
    }

    @Test
    void relayUrlsMustBeWebSockets() {
        assertThat(NostrRelay.relayUri(" wss://relay.example ").toString()).isEqualTo("wss://relay.example");
        assertThat(NostrRelay.relayUri("ws://127.0.0.1:7777").getPort()).isEqualTo(7777);
        for (String bad : List.of("https://relay.example", "relay.example", "ws://", "not a url")) {
            assertThatThrownBy(() -> NostrRelay.relayUri(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws(s)://");
        }
    }
}
