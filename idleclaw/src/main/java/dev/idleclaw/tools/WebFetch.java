package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.announce.UrlSafety;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;

/**
 * {@code web_fetch}: one public web page as readable text (jsoup). Every URL, the first and each redirect target
 * (followed here, never by the HTTP client), must pass {@link UrlSafety}: http or https, and every address its host
 * resolves to outside loopback, private, link-local, multicast and unspecified blocks. The body is read up to
 * {@link #MAX_BODY_BYTES} within {@link #MAX_TIME}, and the text is capped at {@link #MAX_TEXT_CHARS}.
 *
 * <p>The HTTP client resolves the host again when it connects; the JDK's address cache normally answers that from
 * the check's own lookup, but a DNS server that changes its answer within the cache's lifetime is not defended here.
 */
public final class WebFetch implements Tool {
    public static final String NAME = "web_fetch";
    /** One page: articles are far smaller; anything bigger is not a page a model should read whole. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** The fetch's own deadline, inside the tool timeout: a page that takes longer is not worth the wait. */
    static final Duration MAX_TIME = Duration.ofSeconds(10);
    /** Characters of text the model reads: about 2,000 tokens, so a page does not crowd out the conversation. */
    static final int MAX_TEXT_CHARS = 8_000;
    /** Redirects followed: real sites use one or two (http→https, a trailing slash). */
    static final int MAX_REDIRECTS = 5;

    private final UrlSafety safety;
    private final HttpClient http;

    /** {@code http} must not follow redirects itself. */
    public WebFetch(UrlSafety safety, HttpClient http) {
        if (http.followRedirects() != HttpClient.Redirect.NEVER) throw new IllegalArgumentException("redirects must be followed here, re-checked");
        this.safety = safety;
        this.http = http;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Fetch one public web page by URL and return its readable text.";
    }

    @Override
    public ObjectNode parameters() {
        return Tool.oneStringArgument("url", "The http or https URL of the page");
    }

    @Override
    public Output execute(JsonNode arguments, Duration timeout) throws ToolException, InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_TIME.toNanos());
        URI uri;
        try {
            uri = new URI(arguments.path("url").asText("").strip());
        } catch (Exception e) {
            throw new ToolException("not a URL");
        }
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (safety.check(uri.toString()) instanceof UrlSafety.Verdict.Unsafe(String why)) {
                throw new ToolException("refused to fetch " + (hop == 0 ? "this URL" : "the redirect target") + ": " + why);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new ToolException("the page took too long");
            var request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(left))
                    .header("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9").GET().build();
            try {
                HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = res.body()) {
                    int status = res.statusCode();
                    var location = res.headers().firstValue("Location");
                    if (status >= 300 && status < 400 && location.isPresent()) {
                        uri = uri.resolve(location.get().strip());
                        continue;
                    }
                    if (status != 200) throw new ToolException("the page answered HTTP " + status);
                    String type = res.headers().firstValue("Content-Type").orElse("text/html").toLowerCase(Locale.ROOT);
                    byte[] body = in.readNBytes(MAX_BODY_BYTES);
                    return page(body, type, uri);
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new ToolException("the page could not be fetched");
            }
        }
        throw new ToolException("too many redirects");
    }

    /** The page's text for the model (capped), and the page itself (its final URL, its title) as the source. */
    private static Output page(byte[] body, String type, URI uri) throws ToolException, IOException {
        String charset = charset(type);
        Source source = Source.of("", uri.toString());
        if (type.startsWith("text/plain")) {
            String text = new String(body, charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset));
            return new Output(cap(text), source == null ? List.of() : List.of(source));
        }
        if (!type.startsWith("text/html") && !type.startsWith("application/xhtml")) {
            throw new ToolException("not a web page (" + type.split(";")[0].strip() + ")");
        }
        var doc = Jsoup.parse(new ByteArrayInputStream(body), charset, uri.toString());
        String title = doc.title().strip();
        String text = doc.body() == null ? "" : doc.body().text();
        Source titled = Source.of(title, uri.toString());
        return new Output(cap(title.isEmpty() ? text : title + "\n\n" + text), titled == null ? List.of() : List.of(titled));
    }

    /** The declared charset, or null for jsoup to detect (only ones the JDK supports). */
    private static String charset(String type) {
        for (String part : type.split(";")) {
            String p = part.strip();
            if (!p.startsWith("charset=")) continue;
            String name = p.substring("charset=".length()).replace("\"", "").strip();
            try {
                return Charset.isSupported(name) ? name : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static String cap(String text) {
        return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS) + " […]";
    }
}
