package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** A cut-off or malformed request body is the client's fault: 400, and at most one log line however many arrive. */
class HubBadBodyTest {
    static HubFixture hub;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(textBlock = """
            /api/chat,            truncated
            /api/chat,            bad-chunk
            /api/generate,        truncated
            /api/generate,        bad-chunk
            /v1/chat/completions, truncated
            /v1/chat/completions, bad-chunk
            /api/show,            truncated
            """)
    void aBrokenBodyIsA400WithAtMostOneWarning(String path, String kind) throws Exception {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var seen = new ListAppender<ILoggingEvent>();
        seen.start();
        root.addAppender(seen);
        try {
            for (int i = 0; i < 20; i++) {
                String status = send(path, kind);
                assertThat(status).as("request %d", i).startsWith("HTTP/1.1 400");
            }
        } finally {
            root.detachAppender(seen);
        }
        var loud = seen.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertThat(loud).as("log lines for 20 broken bodies").hasSizeLessThanOrEqualTo(1);
        assertThat(loud).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
        });
        assertThat(hub.get("/health").statusCode()).isEqualTo(200);
    }

    /** Sends the head and a broken body, half-closes, and returns the status line. */
    private static String send(String path, String kind) throws Exception {
        String body = "{\"model\":\"m:1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        String request = switch (kind) {
            case "truncated" -> head + "Content-Length: " + (body.length() + 50) + "\r\n\r\n" + body;
            case "bad-chunk" -> head + "Transfer-Encoding: chunked\r\n\r\n" + "100\r\n" + body;
            default -> throw new IllegalArgumentException(kind);
        };
        try (var s = new Socket("127.0.0.1", hub.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.shutdownOutput();
            String answer = readAll(s.getInputStream());
            int eol = answer.indexOf("\r\n");
            return eol < 0 ? answer : answer.substring(0, eol);
        }
    }

    private static String readAll(InputStream in) throws Exception {
        var out = new ByteArrayOutputStream();
        try {
            in.transferTo(out);
        } catch (java.net.SocketException reset) {
            // the hub may reset after answering; what arrived is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
