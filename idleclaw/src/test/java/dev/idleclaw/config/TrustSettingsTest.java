package dev.idleclaw.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrustSettingsTest {

    @Test
    void eachOutOfRangeSettingIsRefusedWithTheOptionItComesFrom() {
        assertThatThrownBy(() -> new TrustSettings(-1, 10, 0.1, 0.2)).hasMessageContaining("--probation-checks");
        assertThatThrownBy(() -> new TrustSettings(5, -1, 0.1, 0.2)).hasMessageContaining("--probation-answers");
        assertThatThrownBy(() -> new TrustSettings(5, 10, 1.5, 0.2)).hasMessageContaining("--probation-share");
        assertThatThrownBy(() -> new TrustSettings(5, 10, 0.1, 0.5)).hasMessageContaining("--suspend-below");
    }
}
