package dev.idleclaw.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks a listener's address before a command opens its ledger, identity or Ollama, so a busy port is one line
 * naming the option instead of a migrated ledger, Flyway's log and Jetty's error. The address is bound (with
 * {@code SO_REUSEADDR}, as Jetty binds) and released at once; a process taking it in between still fails in the
 * server's own bind, which the commands report too.
 *
 * @param host       the {@code --host} value
 * @param port       the port; 0 (any free port) checks only the host; a negative port (listener off) is not checked
 * @param hostOption how the user sets the host, e.g. {@code --host / IDLECLAW_HOST}
 * @param portOption how the user sets the port, e.g. {@code --port / IDLECLAW_PORT}
 */
record PortCheck(String host, int port, String hostOption, String portOption) {

    /** Null when the address can be bound now, else the one-line reason (without the command's prefix). */
    String problem() {
        if (port < 0) return null;
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) return "cannot listen on " + host + ":" + port + ": unknown address (" + hostOption + ")";
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return null;
        } catch (BindException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            if (why.contains("already in use")) return "port " + port + " on " + host + " is already in use (" + portOption + ")";
            if (why.contains("assign requested address")) {
                return "cannot listen on " + host + ":" + port + ": this machine has no such address (" + hostOption + ")";
            }
            return "cannot listen on " + host + ":" + port + ": " + why + " (" + portOption + ")";
        } catch (IOException | SecurityException e) {
            return "cannot listen on " + host + ":" + port + ": " + e.getMessage() + " (" + hostOption + ", " + portOption + ")";
        }
    }

    /** The first problem among {@code checks}, or null when every address is free. */
    static String firstProblem(PortCheck... checks) {
        for (PortCheck c : checks) {
            String p = c.problem();
            if (p != null) return p;
        }
        return null;
    }
}
