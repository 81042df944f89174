package dev.idleclaw.clients.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * nginx in the foreground with the shipped site config ({@code deploy/nginx/idleclaw-hub.conf}) as its only site:
 * its own prefix, pid file, logs and temp paths in a temp directory, free ports on 127.0.0.1. Only the ports, the
 * hub's address and the certificate paths of the site file are replaced, so the shipped file is what runs.
 */
final class Nginx implements AutoCloseable {
    static final String SITE = "nginx/idleclaw-hub.conf";
    /**
     * nginx's own address toward the hub ({@code proxy_bind} in the test's main config, the hub's
     * {@code --trusted-proxy}): clients connect from 127.0.0.1, and {@code /admin/nodes} shows only the first two
     * octets, so the second octet differs.
     */
    static final String UPSTREAM_SOURCE = "127.1.0.1";
    /** Where nginx is commonly installed when it is not on the PATH (Debian puts it in /usr/sbin). */
    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin");
    /** nginx starts in milliseconds; this much means it is stuck. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** A fast shutdown (SIGTERM) closes connections at once. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    final int httpsPort, httpPort;
    /** What {@code nginx -t} printed for the configuration. */
    final String configTest;
    private final Process process;
    private final Path prefix;

    private Nginx(Process process, Path prefix, int httpsPort, int httpPort, String configTest) {
        this.process = process;
        this.prefix = prefix;
        this.httpsPort = httpsPort;
        this.httpPort = httpPort;
        this.configTest = configTest;
    }

    /** The nginx binary; the test is skipped without one, or fails when {@code CI=true} (CI installs nginx). */
    static Path binary() {
        var dirs = new java.util.ArrayList<String>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(SBIN);
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "nginx");
            if (Files.isExecutable(p)) return p;
        }
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, "nginx is not installed (and CI is not \"true\")");
        throw new AssertionError("CI=true but nginx is not installed (apt-get install nginx)");
    }

    /** The shipped site file with test ports, the hub's port and the certificate; throws when a literal is missing. */
    private static String site(Path deploy, int httpsPort, int httpPort, int hubPort, SelfSigned cert) throws IOException {
        String ipv6 = ipv6Loopback() ? "[::1]:" : null;
        String s = Files.readString(deploy.resolve(SITE));
        s = replace(s, "listen 443 ssl http2;", "listen 127.0.0.1:" + httpsPort + " ssl http2;");
        s = replace(s, "listen [::]:443 ssl http2;", ipv6 == null ? "" : "listen " + ipv6 + httpsPort + " ssl http2;");
        s = replace(s, "listen 80;", "listen 127.0.0.1:" + httpPort + ";");
        s = replace(s, "listen [::]:80;", ipv6 == null ? "" : "listen " + ipv6 + httpPort + ";");
        s = replace(s, "server 127.0.0.1:8000;", "server 127.0.0.1:" + hubPort + ";");
        s = replace(s, "/etc/letsencrypt/live/hub.example.org/fullchain.pem", cert.cert().toString());
        return replace(s, "/etc/letsencrypt/live/hub.example.org/privkey.pem", cert.key().toString());
    }

    /**
     * Checks the configuration with {@code nginx -t}, then starts nginx and waits until it accepts connections: the
     * shipped site from {@code deploy} on free ports, forwarding to the hub on {@code hubPort}.
     */
    static Nginx start(Path binary, Path deploy, Path prefix, int hubPort, SelfSigned cert) throws Exception {
        int[] ports = freePorts();
        int httpsPort = ports[0], httpPort = ports[1];
        String site = site(deploy, httpsPort, httpPort, hubPort, cert);
        Files.createDirectories(prefix);
        Files.writeString(prefix.resolve("idleclaw-hub.conf"), site);
        Path conf = Files.writeString(prefix.resolve("nginx.conf"), main(prefix));
        var args = List.of(binary.toString(), "-p", prefix + "/", "-c", conf.toString(), "-e", prefix.resolve("error.log").toString());
        var test = new ProcessBuilder(concat(args, "-t")).redirectErrorStream(true).start();
        String checked = new String(test.getInputStream().readAllBytes());
        if (!test.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || test.exitValue() != 0) {
            throw new AssertionError("nginx -t refused the configuration:\n" + checked + "\n" + site);
        }
        var process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        var nginx = new Nginx(process, prefix, httpsPort, httpPort, checked);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(httpsPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                nginx.close();
                throw new AssertionError("nginx did not start:\n" + nginx.errorLog());
            }
            Thread.sleep(50);
        }
        return nginx;
    }

    /** A main configuration around the site, like Debian's nginx.conf, with every path inside {@code prefix}. */
    private static String main(Path prefix) {
        return """
                daemon off;
                user %s;
                worker_processes 1;
                pid %s/nginx.pid;
                error_log %s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log %s/access.log;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    proxy_bind %s;
                    include %s/idleclaw-hub.conf;
                }
                """.formatted(System.getProperty("user.name"), prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix,
                UPSTREAM_SOURCE, prefix);
    }

    String url(String scheme) {
        return scheme + "://127.0.0.1:" + httpsPort;
    }

    String errorLog() {
        try {
            return Files.readString(prefix.resolve("error.log"));
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    /** Two distinct free ports on 127.0.0.1 (both held open while chosen). */
    private static int[] freePorts() throws IOException {
        var loopback = InetAddress.getByName("127.0.0.1");
        try (var a = new ServerSocket(0, 1, loopback); var b = new ServerSocket(0, 1, loopback)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    private static boolean ipv6Loopback() {
        try (var s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String replace(String text, String literal, String with) {
        if (!text.contains(literal)) throw new AssertionError("the shipped " + SITE + " no longer contains '" + literal + "'");
        return text.replace(literal, with);
    }

    private static List<String> concat(List<String> a, String b) {
        var all = new java.util.ArrayList<>(a);
        all.add(b);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        var children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
