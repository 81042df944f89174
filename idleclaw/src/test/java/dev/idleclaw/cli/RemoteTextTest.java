package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Text a hub sends (model names, error reasons) reaches the terminal with its control characters escaped: a hostile
 * hub can neither forge extra output lines nor send ANSI sequences.
 */
@Timeout(30)
class RemoteTextTest {
    static final String EVIL = "evil\u001b[2J\nidleclaw consume: forged\r\u009b31m\u202e";
    static final String ESCAPED = "evil\\u001b[2J\\nidleclaw consume: forged\\r\\u009b31m\\u202e";
    HttpServer server;
    String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/health", 200, "{\"status\":\"healthy\",\"uptime_seconds\":1,\"node_count\":1}");
        answer("/metrics", 200, "{\"requests_total\":0,\"models_available\":[{\"name\":" + json(EVIL) + ",\"node_count\":1}]}");
        answer("/api/chat", 400, "{\"detail\":" + json(EVIL) + "}");
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    void answer(String path, int code, String body) {
        server.createContext(path, ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(code, b.length);
            try (ex) {
                ex.getResponseBody().write(b);
            }
        });
    }

    static String json(String s) {
        return dev.idleclaw.json.Json.quote(s);
    }

    @Test
    void statusEscapesModelNames() {
        var s = CliRun.command(new StatusCommand(name -> null), "--server", base);
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.out()).doesNotContain("\u001b").doesNotContain("\u009b").doesNotContain("\r").contains(ESCAPED);
        assertThat(s.out()).doesNotContain("\nidleclaw consume");
    }

    @Test
    void consumeEscapesTheHubsErrorText() {
        var c = CliRun.command(new ConsumeCommand(name -> null), "--server", base, "--model", "m:1", "--prompt", "hi", "--anonymous");
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).isEqualTo("idleclaw consume: HTTP 400: " + ESCAPED + System.lineSeparator());
    }
}
