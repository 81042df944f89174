package dev.idleclaw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.server.HubConfig;
import dev.idleclaw.ledger.Ledgers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsPartsTest {
    private static final Path DATA = Path.of("data");

    @Test
    void theBuilderAssemblesEachOptionIntoItsComponentsPart() {
        var config = HubConfig.builder(DATA).apply(c -> {
            c.port = 9000;
            c.chatRpm = 7;
            c.maxMessages = 60;
            c.chunkTimeout = Duration.ofSeconds(5);
            c.relayBufferChunks = 12;
            c.heartbeatTimeout = Duration.ofSeconds(3);
            c.canaryRate = 0;
            c.bootstrapAllowance = 42;
            c.adminToken = null;
            c.peersFile = Path.of("peers.json");
            c.syncFrom = List.of(URI.create("https://tracker.example.org"));
            c.statsSaveInterval = Duration.ofSeconds(9);
        }).build();

        assertThat(config.listen().port()).isEqualTo(9000);
        assertThat(config.limits().chatRpm()).isEqualTo(7);
        assertThat(config.limits().maxMessages()).isEqualTo(60);
        assertThat(config.relay().chunkTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.relay().relayBufferChunks()).isEqualTo(12);
        assertThat(config.nodeLinks().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.verify().canaryRate()).isZero();
        assertThat(config.ledger().bootstrapAllowance()).isEqualTo(42);
        assertThat(config.ledger().adminToken()).isEmpty();
        assertThat(config.federation().syncFrom()).containsExactly(URI.create("https://tracker.example.org"));
        assertThat(config.statsSaveInterval()).isEqualTo(Duration.ofSeconds(9));
        assertThat(config.role()).isEqualTo(HubConfig.Role.HUB);
    }

    @Test
    void withoutALedgerOptionTheLedgerLivesInTheDataDirectory() {
        var config = HubConfig.builder(DATA).build();

        assertThat(config.ledger().location()).isEqualTo(DATA.resolve(Ledgers.DEFAULT_FILE).toString());
    }

    @Test
    void eachPartNamesTheOptionItRejects() {
        assertThatThrownBy(() -> new Limits(0, 5, 60, 3, 3, 500, List.of()))
                .hasMessage("--rate-limit-chat must be positive, got 0");
        assertThatThrownBy(() -> new Limits(20, 5, 60, 3, 3, 49, List.of()))
                .hasMessage("--max-messages must be at least 50, got 49");
        assertThatThrownBy(() -> new Limits(20, 5, 60, 3, 3, 500, List.of("(")))
                .hasMessage("--deny-pattern '(' is not a valid regular expression");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.chunkTimeout = Duration.ZERO).build())
                .hasMessage("--chunk-timeout must be positive");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.queueCapacity = -1).build())
                .hasMessage("--queue-size must be zero or more, got -1");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.pongTimeout = Duration.ofSeconds(-1)).build())
                .hasMessage("timeouts must be zero or positive");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.bootstrapAllowance = -1).build())
                .hasMessage("--bootstrap-allowance must not be negative, got -1");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.syncFrom = List.of(URI.create("https://t.example.org"))).build())
                .hasMessage("--sync-from needs a peers file (--peers)");
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> c.maxBodyBytes = 1).build())
                .hasMessageStartingWith("--max-body-bytes must be at least ");
        assertThatThrownBy(() -> new Worker("fast", URI.create("http://127.0.0.1:11434"), null))
                .hasMessage("--tier must be interactive, batch or best-effort, got fast");
    }

    @Test
    void aWorkerCannotAlsoAnnounceAsAHub() {
        var settings = new dev.idleclaw.announce.Announcer.Settings(URI.create("https://t.example.org"),
                "https://worker.example.org", null, "best-effort", 60, null);
        assertThatThrownBy(() -> HubConfig.builder(DATA).apply(c -> {
            c.worker = new Worker(null, URI.create("http://127.0.0.1:11434"), null);
            c.announce = settings;
        }).build()).hasMessage("a worker announces itself; set WorkerConfig.announce instead");
    }
}
