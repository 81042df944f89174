package dev.idleclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.json.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code idleclaw admin standing|trust|suspend|ban|reset}: the operator's word on node keys, sent to a running hub's
 * {@code /admin/trust} API with its admin token (docs/trust.md "Operator controls"). Exit 2 for a usage error (no
 * token, malformed key or URL), 1 when the hub is unreachable or refuses, each with one line on stderr.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator controls on a running hub: list node keys' standing, trust, suspend, ban or reset a key.",
        subcommands = {AdminCommand.Standings.class, AdminCommand.Trust.class, AdminCommand.Suspend.class,
                AdminCommand.Ban.class, AdminCommand.Reset.class})
final class AdminCommand implements Runnable {
    /** A quick operator action: a hub slower than this counts as unreachable. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The environment variable the hub's {@code --admin-token} reads too. */
    static final String TOKEN_ENV = "ADMIN_TOKEN";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Which hub and the admin token: what every subcommand needs. */
    static final class HubOptions {
        @Option(names = {"--hub", ServerSetting.FLAG}, paramLabel = "URL",
                description = "Hub base URL (env: " + ServerSetting.ENV + ", default: " + ServerSetting.DEFAULT + ").")
        String hub;
        @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:" + TOKEN_ENV + ":-}",
                description = "The hub's admin token, as its --admin-token was set (env: " + TOKEN_ENV + ").")
        String token;
        @Mixin
        TlsOption tls = new TlsOption();
        /** Where {@code $IDLECLAW_SERVER} is read from (tests pass their own). */
        Function<String, String> env = System::getenv;
    }

    /** Sends one admin request; prints the answer with {@code print}, or one line on stderr. */
    static int send(HubOptions o, String method, String path, Function<JsonNode, String> print) {
        if (o.token == null || o.token.isBlank()) return fail(2, "no admin token: pass --admin-token or set " + TOKEN_ENV);
        HubClient hub;
        try {
            hub = HubClient.of(o.hub, o.env, o.tls);
        } catch (IllegalArgumentException e) {
            return fail(2, e.getMessage());
        }
        var uri = hub.uri(path);
        var req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Authorization", "Bearer " + o.token)
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("") : HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> res;
        try {
            res = hub.http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(1, "interrupted");
        } catch (Exception e) {
            return fail(1, "cannot reach hub at " + hub.base + ": " + HubClient.describe(e, uri) + " (" + hub.origin + ")");
        }
        if (res.statusCode() == 401) return fail(1, "the hub refused the admin token (HTTP 401)");
        JsonNode body;
        try {
            body = Json.parse(res.body());
        } catch (Exception e) {
            return fail(1, "HTTP " + res.statusCode() + " from " + hub.base + path + ": " + HubClient.snippet(res.body()));
        }
        if (res.statusCode() != 200) {
            return fail(1, "HTTP " + res.statusCode() + ": " + body.path("detail").asText(HubClient.snippet(res.body())));
        }
        System.out.print(print.apply(body));
        return 0;
    }

    private static int fail(int code, String reason) {
        System.err.println("idleclaw admin: " + Printable.of(reason));
        return code;
    }

    /** One key's line: key, standing, reputation, checks, flags, held credit, connections. */
    static String line(JsonNode k) {
        return String.format(Locale.ROOT, "%s  %-18s reputation %.2f  checks %d  flags %d  held %d  connected %d%s%n",
                k.path("pubkey").asText(), k.path("standing").asText(), k.path("reputation").asDouble(),
                k.path("checks_passed").asLong(), k.path("flags").asLong(), k.path("held").asLong(),
                k.path("connected").asLong(), k.path("banned").asBoolean() ? "  banned" : "");
    }

    @Command(name = "standing", mixinStandardHelpOptions = true, description = "List the node keys the hub remembers, with their standing.")
    static final class Standings implements Callable<Integer> {
        @Mixin
        HubOptions hub = new HubOptions();

        @Override
        public Integer call() {
            return send(hub, "GET", "/admin/trust", body -> {
                var out = new StringBuilder();
                out.append(String.format(Locale.ROOT, "probation: %d checks, share %.2f; suspended below reputation %.2f%n",
                        body.path("probation_checks").asInt(), body.path("probation_share").asDouble(), body.path("suspend_below").asDouble()));
                for (JsonNode k : body.path("keys")) out.append(line(k));
                if (body.path("keys").isEmpty()) out.append("no node keys yet\n");
                return out.toString();
            });
        }
    }

    /** A subcommand acting on one key. */
    abstract static class OnKey implements Callable<Integer> {
        @Mixin
        HubOptions hub = new HubOptions();
        @Parameters(paramLabel = "PUBKEY", description = "The node's public key (lob1…).")
        String pubkey;

        abstract String action();

        String query() {
            return "";
        }

        @Override
        public Integer call() {
            if (!PublicKeys.valid(pubkey)) return fail(2, "not a public key: " + pubkey + " (lob1 + 64 lowercase hex)");
            return send(hub, "POST", "/admin/trust/" + pubkey + "/" + action() + query(), AdminCommand::line);
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = "Trust a key: no probation, its held credit released, never suspended automatically.")
    static final class Trust extends OnKey {
        @Override
        String action() {
            return "trust";
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend a key: no consumer traffic (checks still reach it); credit it holds is forfeited.")
    static final class Suspend extends OnKey {
        @Override
        String action() {
            return "suspend";
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = "Ban a key: its connections close and it cannot register; credit it holds is forfeited.")
    static final class Ban extends OnKey {
        @Option(names = "--seconds", paramLabel = "N", description = "How long the ban lasts (default: 604800, a week, the longest).")
        Long seconds;

        @Override
        String action() {
            return "ban";
        }

        @Override
        String query() {
            return seconds == null ? "" : "?seconds=" + seconds;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Reset a key to a newcomer's standing (probation, reputation 0.5) and lift its key ban.")
    static final class Reset extends OnKey {
        @Override
        String action() {
            return "reset";
        }
    }
}
