package dev.idleclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw consume}: one chat through a hub, printed token by token as it streams. Exit 0 on a complete
 * answer; 1 with a one-line reason on an HTTP error, an in-band error, an unreachable hub or an unreadable identity
 * file. Requests are signed with the identity when there is one (no identity file: anonymous), or carry an API key.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Ask the network one question and stream the answer to stdout.")
final class ConsumeCommand implements Callable<Integer> {
    /** The hub sends a keep-alive at least every 15 s; this much silence means the stream is dead. */
    private static final long READ_TIMEOUT_SECONDS = 120;
    private static final String ERROR_PREFIX = "\n\n[Error: ";

    @Option(names = "--model", required = true, description = "Model to ask, as listed by `idleclaw status`.")
    String model;
    @Option(names = "--prompt", required = true, description = "The question.")
    String prompt;
    @Option(names = "--system", description = "Extra instructions, sent as an earlier assistant-visible turn.")
    String system;
    @Option(names = "--think", description = "Ask a thinking model to reason first; reasoning goes to stderr.")
    boolean think;
    @Option(names = ServerSetting.FLAG, paramLabel = "URL",
            description = "Hub base URL (env: " + ServerSetting.ENV + ", default: " + ServerSetting.DEFAULT + ").")
    String server;
    @Mixin
    TlsOption tls = new TlsOption();
    @Mixin
    IdentityOption identity;
    @Option(names = "--api-key", defaultValue = "${env:IDLECLAW_API_KEY:-}",
            description = "API key (ick_…) from the hub's operator, sent instead of a signature (env: IDLECLAW_API_KEY, default: none).")
    String apiKey;
    @Option(names = "--anonymous", description = "Send no credentials at all: no signature, no API key.")
    boolean anonymous;
    /** Where {@code $IDLECLAW_SERVER} is read from (tests pass their own). */
    private final Function<String, String> env;

    ConsumeCommand() {
        this(System::getenv);
    }

    ConsumeCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        HubClient hub;
        try {
            hub = HubClient.of(server, env, tls);
        } catch (IllegalArgumentException e) {
            return fail(2, e.getMessage());
        }
        RequestAuth auth;
        if (anonymous) {
            auth = RequestAuth.ANONYMOUS;
        } else if (apiKey != null && !apiKey.isBlank()) {
            if (!apiKey.strip().startsWith(ApiKeys.PREFIX)) return fail(2, "--api-key must start with " + ApiKeys.PREFIX);
            auth = RequestAuth.apiKey(apiKey.strip());
        } else {
            try {
                auth = IdentityFile.read(identity.path()).map(RequestAuth::signing).orElse(RequestAuth.ANONYMOUS);
            } catch (IdentityFileException e) {
                return fail(1, e.getMessage());
            }
        }
        var body = Json.object().put("model", model);
        var messages = body.putArray("messages");
        if (system != null && !system.isBlank()) {
            // The IdleClaw dialect accepts only user/assistant turns; the hub adds its own system message.
            messages.addObject().put("role", "user").put("content", system);
            messages.addObject().put("role", "assistant").put("content", "Understood.");
        }
        messages.addObject().put("role", "user").put("content", prompt);
        if (think) body.put("think", true);
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        var uri = hub.uri("/api/chat");
        var builder = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        var req = auth.apply(builder, "POST", uri, bytes).build();
        HttpResponse<java.io.InputStream> res;
        try {
            res = hub.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(1, "interrupted");
        } catch (Exception e) {
            return fail(1, "cannot reach hub at " + hub.base + ": " + HubClient.describe(e, uri) + " (" + hub.origin + ")");
        }
        String asked = "POST " + uri.getRawPath();
        try {
            if (res.statusCode() != 200) {
                String text = new String(res.body().readAllBytes(), StandardCharsets.UTF_8);
                // A hub answers /api/chat (with 4xx/5xx reasons of its own); 404 or 405 means something else is there.
                if (res.statusCode() == 404 || res.statusCode() == 405) {
                    return fail(1, hub.notAHub(asked + " with HTTP " + res.statusCode() + " " + HubClient.snippet(text)));
                }
                return fail(1, "HTTP " + res.statusCode() + ": " + detail(text));
            }
            String type = res.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
            if (!type.startsWith("text/event-stream")) {
                res.body().close();
                String what = type.isEmpty() ? "no content type" : type.split(";")[0].strip();
                return fail(1, hub.notAHub(asked + " with " + what + (what.equals("application/x-ndjson") ? ", as Ollama does" : "")));
            }
            return stream(res.body());
        } catch (Exception e) {
            return fail(1, "the answer from " + hub.base + " broke off: " + HubClient.describe(e, uri));
        }
    }

    private int stream(java.io.InputStream in) throws Exception {
        var watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        try {
            return stream(in, watchdog);
        } finally {
            watchdog.shutdownNow();
        }
    }

    private int stream(java.io.InputStream in, java.util.concurrent.ScheduledExecutorService watchdog) throws Exception {
        PrintStream out = System.out;
        String error = null;
        boolean done = false;
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (true) {
                ScheduledFuture<?> timeout = watchdog.schedule(() -> { try { in.close(); } catch (Exception ignored) {} },
                        READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                line = reader.readLine();
                timeout.cancel(false);
                if (line == null) break;
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode delta = Json.parse(data).path("choices").path(0).path("delta");
                String content = delta.path("content").asText("");
                if (content.startsWith(ERROR_PREFIX)) {
                    error = content.substring(ERROR_PREFIX.length(), content.length() - (content.endsWith("]") ? 1 : 0));
                } else if (delta.path("reasoning").asBoolean(false)) {
                    System.err.print(content);
                    System.err.flush();
                } else {
                    out.print(content);
                    out.flush();
                }
            }
        }
        out.println();
        if (error != null) return fail(1, error);
        if (!done) return fail(1, "the stream ended before the answer was complete");
        return 0;
    }

    private static String detail(String body) {
        try {
            JsonNode d = Json.parse(body).path("detail");
            if (d.isTextual()) return d.textValue();
            if (d.isArray() && !d.isEmpty()) return d.get(0).path("msg").asText() + " at " + d.get(0).path("loc");
        } catch (Exception ignored) {
            // not JSON: show the text itself
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }

    private static int fail(int code, String reason) {
        System.err.println("idleclaw consume: " + Printable.of(reason));
        return code;
    }
}
