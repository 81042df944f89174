package dev.idleclaw.clients.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** axe-core's accessibility rules (from its WebJar), run on the page the browser shows. */
final class Axe {
    private static final String SCRIPT = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

    private Axe() {}

    /** The violations of serious or critical impact, each as {@code rule: nodes}. */
    @SuppressWarnings("unchecked")
    static List<String> seriousViolations(Browser browser) {
        browser.script(source());
        var result = (List<Map<String, Object>>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).join(', ')}))))
                  .catch(e => done([{id: 'axe failed', nodes: String(e)}]));
                """);
        return result.stream().map(v -> v.get("id") + ": " + v.get("nodes")).toList();
    }

    private static String source() {
        try (InputStream in = Axe.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) throw new IllegalStateException("axe-core's WebJar lacks " + SCRIPT);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
