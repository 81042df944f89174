package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.Nondeterminism;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The measurement behind {@link PrefixRule#WORDS} (docs/trust.md): greedy answers of two honest stand-ins of the same
 * weights on different hardware (typical nondeterminism), and of an honest one against each lying kind, compared by
 * common prefix over many prompts. Prints the agreement rate at several N; asserts the chosen N separates them.
 */
class PrefixAgreementMeasurementTest {
    private static final String MODEL = "llama3.1:8b";
    private static final int PROMPTS = 300;
    private static final int[] NS = {4, 8, 16, 32, 40, 64, 128};
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Prefix greedy(StandInOllama o, String prompt) throws Exception {
        var body = Json.object().put("model", MODEL).put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.putObject("options").put("temperature", 0).put("seed", 42);
        var res = http.send(HttpRequest.newBuilder(URI.create(o.baseUrl() + "/api/chat"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofLines());
        var p = new Prefix(1_000);
        for (String line : res.body().toList()) p.add(Json.parse(line).path("message").path("content").asText(""));
        return p.finish();
    }

    @Test
    void honestPairsAgreeOnTheFirstNWordsAndEveryLyingKindDisagrees() throws Exception {
        Map<String, Behaviour> kinds = new LinkedHashMap<>();
        kinds.put("honest (other hardware)", Lies.honest(Nondeterminism.typical()));
        kinds.put("other weights", Lies.otherWeights());
        kinds.put("canary detector", Lies.canaryDetector());
        kinds.put("random tokens", Lies.randomTokens());
        kinds.put("truncated to 20 words", Lies.truncated(Lies.honest(Nondeterminism.typical()), 20));
        List<StandInOllama> started = new ArrayList<>();
        try {
            var reference = StandInOllama.start().model(StandInModel.of(MODEL)).hardwareSeed(1)
                    .behaviour(MODEL, Lies.honest(Nondeterminism.typical()));
            started.add(reference);
            var report = new StringBuilder("common prefix of greedy answers over " + PROMPTS + " prompts (agreement at N words)\n");
            Map<String, double[]> rates = new LinkedHashMap<>();
            long seed = 2;
            for (var kind : kinds.entrySet()) {
                var other = StandInOllama.start().model(StandInModel.of(MODEL)).hardwareSeed(seed++).behaviour(MODEL, kind.getValue());
                started.add(other);
                int[] agreeAt = new int[NS.length];
                int diverged = 0, minCommon = Integer.MAX_VALUE;
                for (int i = 0; i < PROMPTS; i++) {
                    String prompt = "Tell me something about subject " + i + " and why it matters.";
                    Prefix a = greedy(reference, prompt), b = greedy(other, prompt);
                    int common = PrefixRule.common(a, b), longer = Math.max(a.size(), b.size());
                    if (common < longer) {
                        diverged++;
                        minCommon = Math.min(minCommon, common);
                    }
                    for (int n = 0; n < NS.length; n++) if (common >= Math.min(NS[n], longer)) agreeAt[n]++;
                }
                double[] r = new double[NS.length];
                report.append(String.format("%-26s diverged %3d/%d, shortest common prefix when diverged %s;", kind.getKey(),
                        diverged, PROMPTS, diverged == 0 ? "-" : minCommon));
                for (int n = 0; n < NS.length; n++) {
                    r[n] = agreeAt[n] / (double) PROMPTS;
                    report.append(String.format(" N=%d %.1f%%", NS[n], 100 * r[n]));
                }
                rates.put(kind.getKey(), r);
                report.append('\n');
            }
            System.out.print(report);
            int chosen = java.util.Arrays.binarySearch(NS, PrefixRule.WORDS);
            assertThat(rates.get("honest (other hardware)")[chosen]).isEqualTo(1.0);
            for (String liar : List.of("other weights", "canary detector", "random tokens", "truncated to 20 words")) {
                assertThat(rates.get(liar)[chosen]).as(liar).isLessThanOrEqualTo(0.01);
            }
        } finally {
            started.forEach(StandInOllama::close);
        }
    }
}
