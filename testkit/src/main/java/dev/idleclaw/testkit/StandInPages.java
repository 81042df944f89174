package dev.idleclaw.testkit;

import io.javalin.Javalin;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small web server for a page-fetching tool: HTML pages and redirects at paths a test sets, on a loopback address
 * the test chooses (such as {@code 127.0.0.2}, so a fetcher can exempt exactly it while still refusing 127.0.0.1).
 */
public final class StandInPages implements AutoCloseable {
    private record Page(int status, String contentType, String body, String location) {}

    private final Javalin app;
    private final String host;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();

    private StandInPages(String host) {
        this.host = host;
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.routes.get("/*", ctx -> {
                Page p = pages.get(ctx.path());
                if (p == null) {
                    ctx.status(404).result("not found");
                    return;
                }
                ctx.status(p.status());
                if (p.location() != null) ctx.header("Location", p.location());
                if (p.contentType() != null) ctx.contentType(p.contentType());
                ctx.result(p.body());
            });
        }).start(host, 0);
    }

    /** Starts on {@code host} (a loopback address) and an ephemeral port. */
    public static StandInPages start(String host) {
        return new StandInPages(host);
    }

    public String url(String path) {
        return "http://" + host + ":" + app.port() + path;
    }

    /** Serves {@code html} at {@code path}. */
    public StandInPages page(String path, String html) {
        pages.put(path, new Page(200, "text/html; charset=utf-8", html, null));
        return this;
    }

    /** Answers {@code path} with a 302 to {@code location}. */
    public StandInPages redirect(String path, String location) {
        pages.put(path, new Page(302, null, "", location));
        return this;
    }

    @Override
    public void close() {
        app.stop();
    }
}
