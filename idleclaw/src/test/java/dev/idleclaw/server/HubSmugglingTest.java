package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling attempts that a red-team run found refused, kept refused: ambiguous framing is a 400 and a body
 * never turns into a second request. Raw sockets, since HTTP clients will not send such requests.
 */
class HubSmugglingTest {
    /** How long to read an answer: the hub answers at once or closes. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})");
    static HubFixture hub;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String exchange(String request) throws Exception {
        try (var s = new Socket("127.0.0.1", hub.port())) {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            var out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            try {
                in.transferTo(out);
            } catch (java.net.SocketTimeoutException | java.net.SocketException endOfWhatCame) {
                // whatever arrived is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static long statuses(String answer, String status) {
        return STATUS_LINE.matcher(answer).results().filter(m -> m.group(1).equals(status)).count();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Content-Length: 4\r\nTransfer-Encoding: chunked",
            "Content-Length: 4\r\nContent-Length: 40",
            "Transfer-Encoding: xchunked",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity"})
    void ambiguousFramingIsRefusedWithoutServingTheSmuggledRequest(String framing) throws Exception {
        String smuggled = "GET /admin/nodes HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = exchange("POST /api/show HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + framing
                + "\r\n\r\n0\r\n\r\n" + smuggled);
        assertThat(STATUS_LINE.matcher(answer).find()).as(answer).isTrue();
        assertThat(answer).as("the first answer refuses the framing").matches("(?s)HTTP/1\\.1 (400|501).*");
        assertThat(statuses(answer, "401")).as("the smuggled admin request was never served").isZero();
    }

    @Test
    void aBodyThatLooksLikeARequestStaysABody() throws Exception {
        String inner = "GET /admin/nodes HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = exchange("POST /api/show HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + inner.length() + "\r\nConnection: close\r\n\r\n" + inner);
        assertThat(STATUS_LINE.matcher(answer).results().count()).as(answer).isEqualTo(1);
        assertThat(answer).startsWith("HTTP/1.1 400");
    }
}
