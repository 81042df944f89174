package dev.idleclaw.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A chat request written by hand on a socket bound to a chosen loopback source address, which the JDK's HTTP client
 * cannot do: how a test speaks to a hub as its trusted proxy would.
 */
final class RawHttp {
    /** A refusal or a short non-streamed answer from a local hub takes well under this. */
    private static final int TIMEOUT_MILLIS = 15_000;

    private RawHttp() {}

    /** The status of a non-streamed Ollama chat sent from {@code source} to 127.0.0.1:{@code port} with {@code forwardedFor}. */
    static int chatStatus(String source, int port, String model, String forwardedFor) throws Exception {
        byte[] body = ("{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nX-Forwarded-For: " + forwardedFor + "\r\nConnection: close\r\n\r\n";
        try (var s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (status == null || !status.startsWith("HTTP/1.1 ")) throw new AssertionError("not an HTTP response: " + status);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
