package dev.idleclaw.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One HTTP/1.1 exchange over a plain socket, so tests see the exact bytes (status line, headers, chunks). */
record RawHttp(String statusLine, List<String> headers, List<String> chunks, String body) {
    /** Generous bound on one exchange with the local stand-in. */
    private static final int READ_TIMEOUT_MS = 5_000;

    String header(String name) {
        return headers.stream().filter(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(h -> h.substring(name.length() + 1).strip()).findFirst().orElse(null);
    }

    /** Sends {@code request} verbatim and reads one response (Content-Length or chunked). */
    static RawHttp exchange(int port, String request) throws IOException {
        try (var socket = new Socket(StandInOllama.HOST, port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            var in = socket.getInputStream();
            var statusLine = readLine(in);
            var headers = new ArrayList<String>();
            for (var line = readLine(in); !line.isEmpty(); line = readLine(in)) headers.add(line);
            var raw = new RawHttp(statusLine, headers, List.of(), "");
            var chunks = new ArrayList<String>();
            if ("chunked".equalsIgnoreCase(raw.header("Transfer-Encoding"))) {
                for (int size; (size = Integer.parseInt(readLine(in), 16)) > 0; readLine(in)) {
                    chunks.add(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                }
                readLine(in);
            } else if (raw.header("Content-Length") != null && !request.startsWith("HEAD ")) {
                chunks.add(new String(in.readNBytes(Integer.parseInt(raw.header("Content-Length"))),
                        StandardCharsets.UTF_8));
            }
            return new RawHttp(statusLine, List.copyOf(headers), List.copyOf(chunks), String.join("", chunks));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new IOException("connection closed mid-line: " + line);
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
