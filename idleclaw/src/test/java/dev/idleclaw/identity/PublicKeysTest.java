package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The {@code lob1…} key form against the JDK's own Ed25519 keys and signatures. */
class PublicKeysTest {

    @Test
    void aDecodedKeyVerifiesItsOwnersSignatureInTheJdkAndPrintsBackTheSame() throws Exception {
        boolean oddX = false, evenX = false;
        for (int i = 0; i < 16 || !(oddX && evenX); i++) {
            Identity id = Identity.generate();
            var key = PublicKeys.decode(id.publicKey());
            assertThat(PublicKeys.text(key)).isEqualTo(id.publicKey());
            byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
            var jdk = Signature.getInstance("Ed25519");
            jdk.initVerify(key);
            jdk.update(message);
            assertThat(jdk.verify(HexFormat.of().parseHex(id.sign(message)))).isTrue();
            boolean odd = (PublicKeys.raw(id.publicKey())[31] & 0x80) != 0;
            oddX |= odd;
            evenX |= !odd;
        }
    }

    @Test
    void theRawKeyIsTheHexAfterThePrefix() {
        String key = "lob1" + "0123456789abcdef".repeat(4);
        assertThat(HexFormat.of().formatHex(PublicKeys.raw(key))).isEqualTo("0123456789abcdef".repeat(4));
    }

    @Test
    void onlyLob1AndSixtyFourLowercaseHexIsAKey() {
        String hex = "ab".repeat(32);
        assertThat(PublicKeys.valid("lob1" + hex)).isTrue();
        for (String bad : new String[] {null, hex, "lob1" + hex.toUpperCase(), "lob1" + hex + "0", "lob2" + hex, "lob1" + hex.substring(2)}) {
            assertThat(PublicKeys.valid(bad)).as(String.valueOf(bad)).isFalse();
            assertThatThrownBy(() -> PublicKeys.decode(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anIdentityShowsOnlyItsPublicKey() {
        Identity id = Identity.generate();
        assertThat(id.toString()).isEqualTo("Identity[" + id.publicKey() + "]").doesNotContain(id.seedHex());
    }

    @Test
    void aMalformedSignatureOrKeyIsSimplyNotValid() {
        Identity id = Identity.generate();
        byte[] m = "m".getBytes(StandardCharsets.UTF_8);
        String sig = id.sign(m);
        assertThat(Signatures.verify(id.publicKey(), m, sig)).isTrue();
        assertThat(Signatures.verify(id.publicKey(), m, sig.toUpperCase())).isFalse();
        assertThat(Signatures.verify(id.publicKey(), m, null)).isFalse();
        assertThat(Signatures.verify("lob1" + "f".repeat(64), m, sig)).isFalse();
        assertThat(Signatures.verify(null, m, sig)).isFalse();
    }
}
