package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.Sse;
import dev.idleclaw.testkit.StandInPages;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code web_fetch} end to end. The page server listens on 127.0.0.2, the one address the hub is told to let through
 * (a test-only exemption), so every other loopback, private and link-local address stays refused as in production.
 */
class WebFetchToolTest {
    private static final String PAGE_HOST = "127.0.0.2";

    private static ToolNetwork network(boolean fetch) throws Exception {
        return new ToolNetwork(c -> {
            c.toolFetch = fetch;
            c.fetchExempt = a -> a.getHostAddress().equals(PAGE_HOST);
        });
    }

    private static String fetch(String url) {
        return "{\"url\":\"" + url + "\"}";
    }

    @Test
    void aPublicPageIsReadAsTextAndEveryUnsafeTargetIsRefused() throws Exception {
        try (var pages = StandInPages.start(PAGE_HOST); var t = network(true)) {
            pages.page("/article", "<html><head><title>Fjord facts</title><script>var secret=1;</script></head>"
                    + "<body><h1>Fjords</h1><p>A fjord is a long, narrow inlet.</p></body></html>");
            pages.redirect("/go", "http://10.0.0.1/admin");
            pages.redirect("/meta", "http://169.254.169.254/latest/meta-data/");
            int port = t.ollama.port();
            t.model(List.of(call("web_fetch", fetch(pages.url("/article"))),
                    call("web_fetch", fetch("http://127.0.0.1:" + port + "/api/tags")),
                    call("web_fetch", fetch("http://169.254.169.254/latest/meta-data/")),
                    call("web_fetch", fetch(pages.url("/go"))),
                    call("web_fetch", fetch(pages.url("/meta"))),
                    call("web_fetch", fetch("http://localhost:" + port + "/api/tags")),
                    call("web_fetch", fetch("file:///etc/passwd"))));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Read it").body());
            assertThat(sse.content()).isEqualTo("The answer.");
            var results = t.toolResults().stream().map(r -> r.path("content").asText()).toList();
            assertThat(results).hasSize(7);
            assertThat(results.get(0)).startsWith("Fjord facts").contains("A fjord is a long, narrow inlet.")
                    .doesNotContain("<p>").doesNotContain("secret");
            assertThat(results.get(1)).startsWith("Error: web_fetch failed: refused to fetch this URL").contains("loopback");
            assertThat(results.get(2)).startsWith("Error: web_fetch failed: refused to fetch this URL").contains("link-local");
            assertThat(results.get(3)).startsWith("Error: web_fetch failed: refused to fetch the redirect target").contains("private");
            assertThat(results.get(4)).startsWith("Error: web_fetch failed: refused to fetch the redirect target").contains("link-local");
            assertThat(results.get(5)).startsWith("Error: web_fetch failed: refused to fetch this URL").contains("localhost resolves to")
                    .contains("loopback");
            assertThat(results.get(6)).contains("only http and https");
            // the stand-in Ollama was never asked for /api/tags by the fetcher
            assertThat(t.ollama.requests().stream().filter(r -> r.path().equals("/api/tags") && r.header("Accept") != null
                    && r.header("Accept").startsWith("text/html"))).isEmpty();
        }
    }

    @Test
    void webFetchIsNotOfferedUnlessEnabled() throws Exception {
        try (var t = network(false)) {
            t.model(List.of(call("web_fetch", fetch("https://example.org/"))));
            var sse = Sse.parse(t.idleClaw(NATIVE, "Fetch").body());
            assertThat(t.chats().getFirst().path("tools")).hasSize(1);
            assertThat(t.chats().getFirst().path("tools").get(0).path("function").path("name").asText()).isEqualTo("web_search");
            // an unoffered tool is unknown: dropped, no round
            assertThat(t.chats()).hasSize(1);
            assertThat(sse.data().getLast()).isEqualTo("[DONE]");
        }
    }
}
