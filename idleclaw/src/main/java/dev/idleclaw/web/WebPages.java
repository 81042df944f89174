package dev.idleclaw.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's pages for people: the chat at {@code /} (for a browser; every other client keeps Ollama's answer there)
 * and {@code /chat}, any page added with {@link #page}, and their static files: {@code assets/<version>/…} (ours)
 * and {@code vendor/<library>/<version>/…} (WebJars). Every answer carries {@link SecurityHeaders}; pages are
 * revalidated on each visit, assets cached for a year under versioned URLs. Mounted by the server layer unless
 * {@code --web=false}.
 */
public final class WebPages {
    /** The chat page's template. */
    public static final String CHAT = "chat.html";

    /** A route to mount for GET and HEAD. */
    public record Route(String path, Handler handler) {}

    private final Site site = Site.get();
    private final Map<String, String> pages = new LinkedHashMap<>();

    public WebPages() {
        pages.put("/chat", CHAT);
    }

    /** Serves the template {@code template} (a file in {@code web/}) at {@code path}, e.g. {@code /dashboard}. */
    public WebPages page(String path, String template) {
        if (site.files.get(template) == null) throw new IllegalArgumentException("no page template web/" + template);
        pages.put(path, template);
        return this;
    }

    /** The routes to mount; {@code plainRoot} answers {@code /} for every client that is not a browser. */
    public List<Route> routes(Handler plainRoot) {
        var out = new ArrayList<Route>();
        out.add(new Route("/", ctx -> root(ctx, plainRoot)));
        pages.forEach((path, template) -> out.add(new Route(path, ctx -> page(ctx, template))));
        out.add(new Route("/assets/<file>", this::asset));
        out.add(new Route("/vendor/<file>", this::vendor));
        return out;
    }

    private void root(Context ctx, Handler plainRoot) throws Exception {
        ctx.header("Vary", "Accept");
        if (Accept.prefersHtml(ctx.header("Accept"))) page(ctx, CHAT);
        else plainRoot.handle(ctx);
    }

    private void page(Context ctx, String template) {
        String etag = "\"" + site.files.version() + "-" + depth(ctx.path()) + "\"";
        SecurityHeaders.apply(ctx, site.csp, SecurityHeaders.PAGE_CACHE);
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("text/html; charset=utf-8").result(site.page(template, depth(ctx.path())));
    }

    /**
     * How many folders below the hub's root the URL is, so {@code <base href>} leads back to it: {@code /chat} is
     * at the root, {@code /chat/} (which Javalin routes the same) one below.
     */
    static int depth(String path) {
        int slashes = 0;
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') slashes++;
        return Math.max(0, slashes - 1);
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String prefix = site.files.version() + "/";
        serve(ctx, file.startsWith(prefix) && !file.endsWith(".html") ? site.files.asset(file.substring(prefix.length())) : null);
    }

    private void vendor(Context ctx) {
        serve(ctx, site.vendor.get(ctx.pathParam("file")));
    }

    private void serve(Context ctx, Asset asset) {
        if (asset == null) {
            SecurityHeaders.apply(ctx, site.csp, "no-store");
            ctx.status(404).contentType("text/plain; charset=utf-8").result("Not Found");
            return;
        }
        SecurityHeaders.apply(ctx, site.csp, SecurityHeaders.ASSET_CACHE);
        ctx.header("Vary", "Accept-Encoding");
        ctx.contentType(asset.contentType());
        String accepted = ctx.header("Accept-Encoding");
        if (asset.gzip() != null && accepted != null && accepted.contains("gzip")) {
            ctx.header("Content-Encoding", "gzip").result(asset.gzip());
        } else {
            ctx.result(asset.bytes());
        }
    }
}
