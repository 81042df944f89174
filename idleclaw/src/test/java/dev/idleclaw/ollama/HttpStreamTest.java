package dev.idleclaw.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat transport against a raw socket server that answers exactly the bytes each test gives it. */
@Timeout(10)
class HttpStreamTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private final ConnectionPool pool = new ConnectionPool();
    private ServerSocket server;
    private final CompletableFuture<String> received = new CompletableFuture<>();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        pool.close();
        server.close();
    }

    /** Accepts one connection, reads the request head and body, writes {@code answer}, then holds or closes. */
    private URI answering(String answer, boolean hold) {
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                var in = s.getInputStream();
                var head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
                int length = Integer.parseInt(head.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                received.complete(head + new String(in.readNBytes(length), StandardCharsets.UTF_8));
                s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                if (hold) Thread.sleep(5_000);
            } catch (IOException | InterruptedException ignored) {
                // the test decides what happens to the connection
            }
        });
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/chat");
    }

    private static String body(HttpStream x) throws IOException {
        return new String(x.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void sendsAKeepAlivePostWithLengthAndDecodesAChunkedBodyWithExtensionsToItsEnd() throws Exception {
        var uri = answering("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6;ext=1\r\n{\"a\":1\r\n3\r\n}\n\n\r\n0\r\n\r\n", false);
        try (var x = new HttpStream(uri, pool)) {
            x.open("{\"m\":\"é\"}".getBytes(StandardCharsets.UTF_8), "application/x-ndjson", SECOND, SECOND);
            assertThat(x.status()).isEqualTo(200);
            assertThat(body(x)).isEqualTo("{\"a\":1}\n\n");
            x.release();
            assertThat(pool.idleCount()).isEqualTo(1);
        }
        String request = received.get(1, TimeUnit.SECONDS);
        assertThat(request).startsWith("POST /api/chat HTTP/1.1\r\n").contains("Content-Length: 10\r\n").doesNotContain("Connection:")
                .contains("Host: 127.0.0.1:" + server.getLocalPort()).endsWith("{\"m\":\"é\"}");
    }

    @Test
    void readsExactlyContentLengthBytes() throws Exception {
        var uri = answering("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nhello and more", true);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThat(x.status()).isEqualTo(404);
            assertThat(body(x)).isEqualTo("hello");
        }
    }

    @Test
    void aBodyCutShortOfItsContentLengthIsNotKept() throws Exception {
        var uri = answering("HTTP/1.1 404 Not Found\r\nContent-Length: 50\r\n\r\nshort", false);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThat(body(x)).isEqualTo("short");
            x.release();
            assertThat(pool.idleCount()).isZero();
        }
    }

    @Test
    void aBodyWithoutLengthEndsWhenTheConnectionClosesAndTheConnectionIsNotKept() throws Exception {
        var uri = answering("HTTP/1.0 200 OK\n\nline\n", false);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThat(body(x)).isEqualTo("line\n");
            x.release();
            assertThat(pool.idleCount()).isZero();
        }
    }

    @Test
    void refusesAnAnswerThatIsNotHttp() {
        var uri = answering("SSH-2.0-OpenSSH\r\n\r\n", false);
        assertThatThrownBy(() -> new HttpStream(uri, pool).open(new byte[0], "*/*", SECOND, SECOND))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP/1.x answer");
    }

    @Test
    void aChunksDataIsHandedOutBeforeTheCrlfThatEndsItArrives() throws Exception {
        // Jetty sends the CRLF after a chunk's data only with the next chunk: the line must not wait for it
        var uri = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n", true);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThat(new String(x.body().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        }
    }

    @Test
    void refusesABadChunkSize() throws Exception {
        var uri = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThatThrownBy(() -> body(x)).hasMessageContaining("bad chunk size");
        }
    }

    @Test
    void aConnectionClosedInsideAChunkIsAnError() throws Exception {
        var uri = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", false);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, SECOND);
            assertThatThrownBy(() -> body(x)).hasMessageContaining("closed inside a chunk");
        }
    }

    @Test
    void silenceLongerThanTheReadTimeoutFails() throws Exception {
        var uri = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true);
        try (var x = new HttpStream(uri, pool)) {
            x.open(new byte[0], "*/*", SECOND, Duration.ofMillis(200));
            assertThatThrownBy(() -> body(x)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void closingFromAnotherThreadEndsABlockedRead() throws Exception {
        var uri = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true);
        var x = new HttpStream(uri, pool);
        x.open(new byte[0], "*/*", SECOND, Duration.ofSeconds(30));
        InputStream body = x.body();
        var read = CompletableFuture.supplyAsync(() -> {
            try {
                return body.read();
            } catch (IOException e) {
                return -2;
            }
        });
        Thread.sleep(100);
        x.close();
        assertThat(read.get(2, TimeUnit.SECONDS)).isEqualTo(-2);
    }

    @Test
    void nothingListeningIsAConnectException() throws IOException {
        int port = server.getLocalPort();
        server.close();
        var uri = URI.create("http://127.0.0.1:" + port + "/api/chat");
        assertThatThrownBy(() -> new HttpStream(uri, pool).open(new byte[0], "*/*", SECOND, SECOND)).isInstanceOf(ConnectException.class);
    }
}
