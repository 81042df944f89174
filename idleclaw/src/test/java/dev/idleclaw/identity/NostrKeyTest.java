package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NostrKeyTest {
    /** secp256k1's group order n. */
    private static final BigInteger N = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

    /** Rows 0-3 of BIP-340's test-vectors.csv: secret key → x-only public key (row 3's point has an odd y). */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000000000000000000000000000000000000000000000000003, F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
        "B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF, DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
        "C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9, DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8",
        "0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710, 25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517",
    })
    void theXOnlyPublicKeyMatchesBip340sVectors(String secret, String publicKey) {
        NostrKey key = NostrKey.fromSecretHex(secret);
        assertThat(key.publicKeyHex()).isEqualTo(publicKey.toLowerCase());
        assertThat(key.secretKeyHex()).isEqualTo(secret.toLowerCase());
    }

    @Test
    void aGeneratedKeyIsInRangeWrittenAsLowercaseHexAndRederivesToTheSamePublicKey() {
        for (int i = 0; i < 20; i++) {
            NostrKey key = NostrKey.generate();
            assertThat(key.secretKeyHex()).matches("[0-9a-f]{64}");
            assertThat(key.publicKeyHex()).matches("[0-9a-f]{64}");
            BigInteger d = new BigInteger(key.secretKeyHex(), 16);
            assertThat(d).isPositive().isLessThan(N);
            assertThat(NostrKey.fromSecretHex(key.secretKeyHex()).publicKeyHex()).isEqualTo(key.publicKeyHex());
        }
        assertThat(NostrKey.generate().secretKeyHex()).isNotEqualTo(NostrKey.generate().secretKeyHex());
    }

    @Test
    void secretsOutsideOneToNOrNotSixtyFourHexAreRefused() {
        String nHex = N.toString(16);
        for (String bad : new String[] {"00".repeat(32), nHex, N.add(BigInteger.ONE).toString(16), "ff".repeat(32), "ab", "zz".repeat(32), null}) {
            assertThatThrownBy(() -> NostrKey.fromSecretHex(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(NostrKey.fromSecretHex(N.subtract(BigInteger.ONE).toString(16)).publicKeyHex()).matches("[0-9a-f]{64}");
    }

    @Test
    void npubIsTheNip19FormOfThePublicKeyAndTheSecretNeverShowsInToString() {
        NostrKey key = NostrKey.fromSecretHex("B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF");
        assertThat(key.npub()).startsWith("npub1").hasSize(63)
                .isEqualTo(Bech32.encode("npub", java.util.HexFormat.of().parseHex(key.publicKeyHex())));
        assertThat(key.toString()).contains(key.npub()).doesNotContain(key.secretKeyHex());
    }
}
