package dev.idleclaw.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * HAProxy in the foreground with the shipped {@code deploy/haproxy/idleclaw-cluster.cfg}: only the listening ports
 * and the hubs' ports are replaced, plus one {@code source} line so that HAProxy reaches the hubs from
 * {@link #SOURCE} (the hubs' {@code --trusted-proxy}) while clients connect from 127.0.0.1. When the test does not run
 * as root, the privilege-dropping {@code user}/{@code group} lines go too (only root may switch users).
 */
final class Haproxy implements AutoCloseable {
    static final String CONFIG = "haproxy/idleclaw-cluster.cfg";
    /**
     * HAProxy's own address toward the hubs: {@code /admin/nodes} shows only the first two octets of an address, so
     * the second octet differs from the clients' 127.0.0.1.
     */
    static final String SOURCE = "127.1.0.1";
    /** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin");
    /** HAProxy starts in milliseconds; this much means it is stuck. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The shipped file's hub ports, in the order of its {@code server} lines. */
    private static final List<Integer> SHIPPED_HUB_PORTS = List.of(8001, 8002, 8003);

    final int port;
    final int statsPort;
    /** What {@code haproxy -c} said of the rendered configuration. */
    final String configCheck;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Haproxy(Process process, Path log, int port, int statsPort, String configCheck) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.statsPort = statsPort;
        this.configCheck = configCheck;
    }

    /** The haproxy binary; skipped without one, failed when {@code CI=true} (.ci/run installs it). */
    static Path binary() {
        var dirs = new java.util.ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(SBIN);
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "haproxy"))) return Path.of(d, "haproxy");
        }
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, "haproxy is not installed (and CI is not \"true\")");
        throw new AssertionError("CI=true but haproxy is not installed (apt-get install haproxy; .ci/run does)");
    }

    /** The shipped configuration with test ports; throws when a literal it replaces is missing. */
    static String render(Path deploy, int port, int statsPort, List<Integer> hubPorts) throws IOException {
        if (hubPorts.size() != SHIPPED_HUB_PORTS.size()) throw new IllegalArgumentException("the shipped file lists three hubs");
        String s = Files.readString(deploy.resolve(CONFIG));
        s = replace(s, "bind :8000", "bind 127.0.0.1:" + port);
        s = replace(s, "bind 127.0.0.1:8404", "bind 127.0.0.1:" + statsPort);
        for (int i = 0; i < hubPorts.size(); i++) {
            s = replace(s, "127.0.0.1:" + SHIPPED_HUB_PORTS.get(i) + "\n", "127.0.0.1:" + hubPorts.get(i) + "\n");
        }
        s = replace(s, "    balance leastconn\n", "    balance leastconn\n    source " + SOURCE + "\n");
        if (!"root".equals(System.getProperty("user.name"))) {
            s = replace(s, "    user haproxy\n", "");
            s = replace(s, "    group haproxy\n", "");
        }
        return s;
    }

    /** Checks the rendered configuration with {@code haproxy -c}, starts HAProxy and waits until it accepts connections. */
    static Haproxy start(Path binary, Path deploy, Path dir, List<Integer> hubPorts) throws Exception {
        int port = FreePorts.one(), statsPort = FreePorts.one();
        Path cfg = Files.writeString(Files.createDirectories(dir).resolve("haproxy.cfg"), render(deploy, port, statsPort, hubPorts));
        String checked = check(binary, cfg);
        Path log = dir.resolve("haproxy.log");
        // -db: stay in the foreground, so the test owns the process and its log on stdout.
        var process = new ProcessBuilder(binary.toString(), "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        var haproxy = new Haproxy(process, log, port, statsPort, checked);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                haproxy.close();
                throw new AssertionError("haproxy did not start:\n" + haproxy.log());
            }
            Thread.sleep(50);
        }
        return haproxy;
    }

    /** What {@code haproxy -c} says of {@code cfg}; throws when it refuses the file. */
    static String check(Path binary, Path cfg) throws Exception {
        var check = new ProcessBuilder(binary.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        if (!check.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new AssertionError("haproxy -c refused the configuration:\n" + checked + "\n" + Files.readString(cfg));
        }
        return checked;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Each hub's state as HAProxy's health checks see it ({@code UP}, {@code DOWN}, {@code UP 1/2} …), by server name. */
    Map<String, String> serverStates() throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> out = new HashMap<>();
        List<String> header = List.of(res.body().lines().findFirst().orElse("# ").substring(2).split(","));
        int svname = header.indexOf("svname"), status = header.indexOf("status"), pxname = header.indexOf("pxname");
        res.body().lines().skip(1).map(l -> l.split(",", -1)).filter(f -> f.length > status && f[pxname].equals("idleclaw_hubs"))
                .filter(f -> !f[svname].equals("BACKEND")).forEach(f -> out.put(f[svname], f[status]));
        return out;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
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
        if (!text.contains(literal)) throw new AssertionError("the shipped " + CONFIG + " no longer contains '" + literal.strip() + "'");
        return text.replace(literal, with);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
