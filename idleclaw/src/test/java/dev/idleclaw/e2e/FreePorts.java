package dev.idleclaw.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports free on 127.0.0.1 right now, for servers a test starts in other processes. */
final class FreePorts {
    private FreePorts() {}

    static int one() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
