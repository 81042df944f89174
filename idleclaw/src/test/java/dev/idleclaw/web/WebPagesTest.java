package dev.idleclaw.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.HubFixture;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages over real HTTP: who gets HTML at {@code /}, the security and cache headers, versioned assets. */
class WebPagesTest {
    /** What Chromium sends when it navigates to a page. */
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8";
    private static final Pattern URL_ATTRIBUTE = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    private static HubFixture hub;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
    }

    @Test
    void aBrowserGetsTheChatPageAtTheRoot() throws Exception {
        var root = hub.get("/", "Accept", BROWSER_ACCEPT);

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(root.body()).contains("<title>IdleClaw chat</title>").contains("<script type=\"importmap\">");
        assertThat(root.headers().firstValue("Vary")).hasValue("Accept");
    }

    @Test
    void everyOtherClientKeepsOllamasAnswerAtTheRoot() throws Exception {
        for (String accept : new String[] {null, "*/*", "application/json", "text/plain", "text/html;q=0.5, text/plain"}) {
            var root = accept == null ? hub.get("/") : hub.get("/", "Accept", accept);
            assertThat(root.body()).as("Accept: %s", accept).isEqualTo("Ollama is running");
            assertThat(root.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        }
    }

    @Test
    void pagesCarryTheSecurityHeadersAndRevalidate() throws Exception {
        var chat = hub.get("/chat");

        assertThat(chat.statusCode()).isEqualTo(200);
        String csp = chat.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'", "script-src 'self' 'sha256-", "base-uri 'self'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(chat.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(chat.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(chat.headers().firstValue("Cache-Control")).hasValue("no-cache");
        var again = hub.get("/chat", "If-None-Match", chat.headers().firstValue("ETag").orElseThrow());
        assertThat(again.statusCode()).isEqualTo(304);
    }

    @Test
    void theOnlyInlineScriptIsTheImportMapTheCspHashes() throws Exception {
        var chat = hub.get("/chat");
        var m = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL).matcher(chat.body());

        assertThat(m.find()).isTrue();
        assertThat(chat.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("'" + Site.sha256(m.group(1)) + "'");
        assertThat(m.group(1)).contains("\"marked\":\"./vendor/marked/", "\"dompurify\":\"./vendor/dompurify/", "\"uplot\":\"./vendor/uplot/");
        assertThat(chat.body().split("<script").length - 1).isEqualTo(3); // the map, highlight.js, the page's module
        assertThat(chat.body()).doesNotContainPattern("<script(?![^>]*(src=|type=\"importmap\"))");
    }

    @Test
    void everyUrlInThePageIsRelativeAndServedWithAYearOfCache() throws Exception {
        var chat = hub.get("/chat");
        for (String url : urls(chat.body())) {
            assertThat(url).as("relative, so the page works under a proxy's path prefix").doesNotStartWith("/").doesNotContain("://");
            if (url.equals("./") || url.startsWith("#")) continue; // the hub's root, a link within the page
            var asset = hub.get("/" + url);
            if (url.equals("dashboard")) { // another page (revalidated), not an asset
                assertThat(asset.statusCode()).as(url).isEqualTo(200);
                continue;
            }
            assertThat(asset.statusCode()).as(url).isEqualTo(200);
            assertThat(asset.headers().firstValue("Cache-Control")).as(url).hasValue("public, max-age=31536000, immutable");
            assertThat(asset.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        assertThat(urls(chat.body())).anyMatch(u -> u.matches("assets/[0-9a-f]{12}/chat\\.js"));
    }

    @Test
    void importMapModulesAreServedAsJavaScript() throws Exception {
        var map = Site.get().vendor.imports();
        assertThat(map).containsKeys("marked", "dompurify", "uplot");
        for (String url : map.values()) {
            var lib = hub.get(url.substring(1));
            assertThat(lib.statusCode()).as(url).isEqualTo(200);
            assertThat(lib.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
            assertThat(lib.body()).contains("export");
        }
    }

    @Test
    void assetsAreGzippedForClientsThatAcceptIt() throws Exception {
        String url = "/vendor/" + Site.get().vendor.base("highlightjs") + "/highlight.min.js";
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.url(url))).header("Accept-Encoding", "gzip").build();
        var gz = hub.http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        var plain = hub.get(url);

        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gz.body().length).isLessThan(plain.body().length() / 2);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void unknownOrStaleAssetsAndTemplatesAreNotFound() throws Exception {
        String version = Site.get().files.version();
        assertThat(hub.get("/assets/000000000000/chat.js").statusCode()).isEqualTo(404);
        assertThat(hub.get("/assets/" + version + "/chat.html").statusCode()).isEqualTo(404);
        assertThat(hub.get("/assets/" + version + "/../logback.xml").statusCode()).isEqualTo(404);
        assertThat(hub.get("/vendor/marked/0.0.1/lib/marked.esm.js").statusCode()).isEqualTo(404);
        assertThat(hub.get("/vendor/" + Site.get().vendor.base("marked") + "/package.json").statusCode()).isEqualTo(404);
    }

    @Test
    void aTrailingSlashPutsTheBaseOneFolderUp() throws Exception {
        assertThat(hub.get("/chat").body()).contains("<base href=\"./\">");
        assertThat(hub.get("/chat/").body()).contains("<base href=\"../\">");
    }

    @Test
    void webFalseLeavesAnApiOnlyHub() throws Exception {
        try (var apiOnly = HubFixture.start(c -> c.web = false)) {
            assertThat(apiOnly.get("/", "Accept", BROWSER_ACCEPT).body()).isEqualTo("Ollama is running");
            assertThat(apiOnly.get("/chat").statusCode()).isEqualTo(404);
            assertThat(apiOnly.get("/assets/" + Site.get().files.version() + "/chat.js").statusCode()).isEqualTo(404);
            assertThat(apiOnly.get("/api/models").statusCode()).isEqualTo(200);
        }
    }

    private static List<String> urls(String html) {
        var out = new ArrayList<String>();
        var m = URL_ATTRIBUTE.matcher(html);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
