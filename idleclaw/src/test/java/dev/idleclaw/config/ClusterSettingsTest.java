package dev.idleclaw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    private static final Duration TTL = ClusterSettings.DEFAULT_TTL;
    private static final String PREFIX = ClusterSettings.DEFAULT_PREFIX;

    @Test
    void aHubBuiltWithTheDefaultsHasNoCluster(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertThat(dev.idleclaw.server.HubConfig.builder(dir).build().cluster()).isNull();
    }

    @Test
    void withoutClusterThereAreNoSettings() {
        assertThat(ClusterSettings.of(null, null, TTL, PREFIX)).isNull();
        assertThat(ClusterSettings.of(" ", "", TTL, PREFIX)).isNull();
    }

    @Test
    void aRedisUrlWithDatabaseAndAClusterUrlMakeSettingsRefreshedThreeTimesPerTtl() {
        var s = ClusterSettings.of("redis://10.0.0.2:6380/3", "http://10.0.0.5:8000", TTL, PREFIX);

        assertThat(s.redis().getPort()).isEqualTo(6380);
        assertThat(s.url().toString()).isEqualTo("http://10.0.0.5:8000");
        assertThat(s.refresh()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void messagesNameTheOption() {
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", null, TTL, PREFIX)).hasMessageContaining("--cluster-url is required");
        assertThatThrownBy(() -> ClusterSettings.of(null, "http://h:1", TTL, PREFIX)).hasMessageContaining("--cluster-url needs --cluster");
        assertThatThrownBy(() -> ClusterSettings.of("http://r:6379", "http://h:1", TTL, PREFIX)).hasMessageContaining("--cluster must be a redis://");
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379/x", "http://h:1", TTL, PREFIX)).hasMessageContaining("--cluster");
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "ftp://h", TTL, PREFIX)).hasMessageContaining("--cluster-url must be");
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "http://h:1", Duration.ofMillis(10), PREFIX)).hasMessageContaining("TTL");
    }

    @Test
    void theTtlIsBoundedBothWaysSoACrashedHubsLeasesEndSoon() {
        assertThat(ClusterSettings.of("redis://r:6379", "http://h:1", ClusterSettings.MAX_TTL, PREFIX).ttl()).isEqualTo(ClusterSettings.MAX_TTL);
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "http://h:1", ClusterSettings.MAX_TTL.plusMillis(1), PREFIX))
                .hasMessageContaining("cluster TTL must be at most 5 minutes");
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "http://h:1", Duration.ofMillis(299), PREFIX))
                .hasMessageContaining("cluster TTL must be at least 300 ms");
    }

    @Test
    void thePrefixThatKeepsClustersApartIsRequiredAndShort() {
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "http://h:1", TTL, " ")).hasMessageContaining("--cluster-prefix must be 1 to 64 characters");
        assertThatThrownBy(() -> ClusterSettings.of("redis://r:6379", "http://h:1", TTL, "p".repeat(65))).hasMessageContaining("--cluster-prefix must be 1 to 64 characters");
    }
}
