package dev.idleclaw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void aNewKeyIsIckAnd32RandomBytesInUnpaddedBase64url() {
        String key = ApiKeys.generate();
        assertThat(key).matches("ick_[A-Za-z0-9_-]{43}");
        assertThat(ApiKeys.generate()).isNotEqualTo(key);
    }

    @Test
    void theStoredFormIsTheSha256OfTheKeyText() {
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aBearerIckKeyIsOurs() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.fromAuthorization("Bearer " + key)).contains(key);
        assertThat(ApiKeys.fromAuthorization("bearer   " + key + "  ")).contains(key);
    }

    @Test
    void anyOtherAuthorizationIsIgnoredNotAnError() {
        assertThat(ApiKeys.fromAuthorization(null)).isEmpty();
        assertThat(ApiKeys.fromAuthorization("")).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Bearer sk-no-key-required")).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Bearer ollama")).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Bearer ")).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Basic aWNrX3g6")).isEmpty();
        assertThat(ApiKeys.fromAuthorization("ick_abc")).isEmpty();
    }

    @Test
    void anIckKeyUnderAnotherSchemeOfBearersLengthIsNotOurs() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.fromAuthorization("Digest " + key)).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Basic  " + key)).isEmpty();
        assertThat(ApiKeys.fromAuthorization("Bearer" + key)).isEmpty();
    }

    @Test
    void matchesComparesTheKeyWithAStoredHash() {
        String key = ApiKeys.generate();
        byte[] stored = ApiKeys.sha256(key);
        assertThat(ApiKeys.matches(key, stored)).isTrue();
        assertThat(ApiKeys.matches(ApiKeys.generate(), stored)).isFalse();
        assertThat(ApiKeys.matches(null, stored)).isFalse();
    }
}
