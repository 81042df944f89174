package dev.idleclaw.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;

class WebSearchSourcesTest {

    private static String result(String title, String url) {
        return "{\"title\":" + Json.quote(title) + ",\"url\":" + Json.quote(url) + ",\"content\":\"snippet\"}";
    }

    @Test
    void theSourcesAreExactlyTheResultsTheModelReadsInItsOrder() throws Exception {
        var results = new StringBuilder("{\"results\":[").append(result("No URL", "")).append(',')
                .append(result("  Spaced  ", "https://a.example/")).append(',')
                .append(result("Too long", "https://b.example/" + "x".repeat(Source.MAX_URL_CHARS))).append(',');
        for (int i = 0; i < WebSearch.TOP_RESULTS + 2; i++) results.append(result("R" + i, "https://r.example/" + i)).append(',');
        results.setLength(results.length() - 1);
        var out = WebSearch.format(Json.parse(results.append("]}").toString()));

        assertThat(out.sources()).hasSize(WebSearch.TOP_RESULTS);
        assertThat(out.sources().getFirst()).isEqualTo(new Source("Spaced", "https://a.example/"));
        for (var s : out.sources()) assertThat(out.text()).contains(s.title()).contains("URL: " + s.url());
        assertThat(out.text()).doesNotContain("No URL").doesNotContain("Too long").doesNotContain("R4");
    }

    @Test
    void aLongTitleIsCappedAndNoResultsMeanNoSources() throws Exception {
        var out = WebSearch.format(Json.parse("{\"results\":[" + result("t".repeat(500), "https://a.example/") + "]}"));
        assertThat(out.sources().getFirst().title()).hasSize(Source.MAX_TITLE_CHARS + 1).endsWith("…");
        var none = WebSearch.format(Json.parse("{\"results\":[]}"));
        assertThat(none.text()).isEqualTo("No results found.");
        assertThat(none.sources()).isEmpty();
    }
}
