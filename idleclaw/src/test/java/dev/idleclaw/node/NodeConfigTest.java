package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeConfigTest {

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8000, ws://127.0.0.1:8000/ws/node",
            "http://127.0.0.1:8000/, ws://127.0.0.1:8000/ws/node",
            "https://api.idleclaw.com, wss://api.idleclaw.com/ws/node",
            "HTTPS://hub.example:8443/idleclaw/, wss://hub.example:8443/idleclaw/ws/node",
            "http://hub.example/ws/node, ws://hub.example/ws/node",
            "wss://api.idleclaw.com/ws/node, wss://api.idleclaw.com/ws/node",
            "ws://10.0.0.2:8000/ws/node, ws://10.0.0.2:8000/ws/node",
            "ws://10.0.0.2:8000, ws://10.0.0.2:8000/ws/node",
            "http://[::1]:8000, ws://[::1]:8000/ws/node",
    })
    void hubAddressesBecomeTheNodeWebSocketUrl(String given, String expected) {
        assertThat(NodeUrls.hubUrl(given)).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hub.example", "hub.example:8000", "ws://hub.example/other", "http://", "",
            "http://hub.example/?x=1", "not a url"})
    void otherHubAddressesAreRejectedNamingTheOption(String given) {
        assertThatThrownBy(() -> NodeUrls.hubUrl(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--server").hasMessageContaining("IDLECLAW_SERVER");
    }

    @ParameterizedTest
    @CsvSource({
            "http://localhost:11434, http://localhost:11434",
            "http://localhost:11434/, http://localhost:11434",
            "localhost:11434, http://localhost:11434",
            "127.0.0.1:9999, http://127.0.0.1:9999",
            "gpu-box, http://gpu-box:11434",
            "0.0.0.0, http://0.0.0.0:11434",
            "https://ollama.example, https://ollama.example",
    })
    void ollamaAddressesAcceptHostPortWithoutSchemeLikeOllama(String given, String expected) {
        assertThat(NodeUrls.ollamaUrl(given)).isEqualTo(URI.create(expected));
    }

    @Test
    void emptyOllamaAddressMeansOllamasDefault() {
        assertThat(NodeUrls.ollamaUrl(" ")).isEqualTo(URI.create(NodeConfig.DEFAULT_OLLAMA));
    }

    @Test
    void nonHttpOllamaAddressIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> NodeUrls.ollamaUrl("ftp://x")).hasMessageContaining("--ollama").hasMessageContaining("OLLAMA_HOST");
    }

    @Test
    void defaultsComeFromTheProtocol() {
        var c = NodeConfig.of(NodeConfig.DEFAULT_SERVER, NodeConfig.DEFAULT_OLLAMA, NodeConfig.DEFAULT_MAX_CONCURRENT);
        assertThat(c.hubUrl()).isEqualTo(URI.create("ws://127.0.0.1:8000/ws/node"));
        assertThat(c.maxConcurrent()).isEqualTo(2);
        assertThat(c.timings().heartbeat()).hasSeconds(15);
        assertThat(c.timings().backoffCap()).hasSeconds(60);
        assertThat(c.timings().drain()).hasSeconds(30);
        assertThat(c.timings().deadLink()).hasSeconds(60);
        assertThat(c.timings().healthCache()).hasSeconds(5);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 11})
    void maxConcurrentOutsideOneToTenIsRejectedNamingTheOption(int n) {
        assertThatThrownBy(() -> NodeConfig.of(NodeConfig.DEFAULT_SERVER, NodeConfig.DEFAULT_OLLAMA, n))
                .hasMessageContaining("--max-concurrent").hasMessageContaining("IDLECLAW_MAX_CONCURRENT");
    }

    @Test
    void theCanonicalConstructorNormalisesUrlsToo() {
        var c = new NodeConfig(URI.create("https://h.example"), URI.create("http://o:1"), 10, null);
        assertThat(c.hubUrl()).isEqualTo(URI.create("wss://h.example/ws/node"));
        assertThat(c.timings()).isEqualTo(NodeTimings.DEFAULTS);
    }
}
