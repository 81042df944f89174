package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.NostrAnnouncements;
import dev.idleclaw.announce.NostrEvent;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.NpmTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An announcement event built and signed by an independent implementation, {@code @noble/curves}' BIP-340 (the
 * library nostr-tools and so Lobstah's transport sign with), reads as valid here, and one of ours verifies there.
 */
@Timeout(120)
class NostrInteropTest {
    /** A cold install builds the relay's SQLite module from source: minutes, outside the per-test timeout. */
    @org.junit.jupiter.api.BeforeAll
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    static void installRelay() {
        LocalNostrRelay.modules();
    }

    /** Builds a kind-31474 event as Lobstah's transport does, or verifies one (argv: mode, JSON). */
    private static final String SCRIPT = """
            const { schnorr } = require('@noble/curves/secp256k1');
            const { createHash } = require('crypto');
            const bytesToHex = b => Buffer.from(b).toString('hex');
            const [mode, arg] = process.argv.slice(2);
            const idOf = e => createHash('sha256').update(
                JSON.stringify([0, e.pubkey, e.created_at, e.kind, e.tags, e.content]), 'utf8').digest('hex');
            if (mode === 'sign') {
              const { secret, signed, lob } = JSON.parse(arg);
              const e = { pubkey: bytesToHex(schnorr.getPublicKey(secret)), created_at: Math.floor(Date.now() / 1000),
                kind: 31474, tags: [['d', 'lobstah-peer'], ['t', 'lobstah'], ['lobstah_pubkey', lob]],
                content: JSON.stringify(signed) };
              e.id = idOf(e);
              e.sig = bytesToHex(schnorr.sign(e.id, secret));
              console.log(JSON.stringify(e));
            } else {
              const e = JSON.parse(arg);
              console.log(idOf(e) === e.id && schnorr.verify(e.sig, e.id, e.pubkey) ? 'valid' : 'invalid');
            }
            """;

    @TempDir
    Path dir;

    private String node(String mode, String arg) throws Exception {
        Path script = dir.resolve("interop.js");
        Files.writeString(script, SCRIPT);
        var pb = new ProcessBuilder("node", script.toString(), mode, arg).redirectErrorStream(true);
        NpmTools.isolate(pb.environment(), dir.resolve("home"), null);
        pb.environment().put("NODE_PATH", LocalNostrRelay.modules().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static SignedAnnouncement announcement(Identity who) {
        return SignedAnnouncement.sign(new Announcement(Announcement.VERSION, who.publicKey(), "http://10.0.0.5:17474", "näme \"q\"",
                List.of("m:7b"), "batch", 300, System.currentTimeMillis()), who);
    }

    @Test
    void anEventSignedByNobleIsValidHereAndCarriesTheAnnouncement() throws Exception {
        var who = Identity.generate();
        var signed = announcement(who);
        var arg = Json.object().put("secret", "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef")
                .put("lob", who.publicKey());
        arg.set("signed", signed.toJson());
        var ev = NostrEvent.fromJson(Json.parse(node("sign", Json.write(arg))));
        assertThat(ev.pubkey()).isEqualTo("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659");
        assertThat(ev.valid()).isTrue();
        var inner = SignedAnnouncement.fromJson(NostrAnnouncements.content(ev));
        assertThat(inner).isEqualTo(signed);
        assertThat(inner.signatureValid()).isTrue();
    }

    @Test
    void ourEventVerifiesWithNoble() throws Exception {
        var ev = NostrAnnouncements.announcement(dev.idleclaw.identity.NostrKey.generate(), announcement(Identity.generate()),
                System.currentTimeMillis() / 1000);
        assertThat(node("verify", Json.write(ev.toJson()))).isEqualTo("valid");
        var tampered = new NostrEvent(ev.id(), ev.pubkey(), ev.createdAt(), ev.kind(), ev.tags(), ev.content() + " ", ev.sig());
        assertThat(node("verify", Json.write(tampered.toJson()))).isEqualTo("invalid");
    }
}
