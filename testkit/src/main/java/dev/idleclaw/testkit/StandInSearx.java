package dev.idleclaw.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in SearXNG instance: {@code GET /search?q=…&format=json} answers in SearXNG's JSON shape
 * ({@code query}, {@code number_of_results}, {@code results} with {@code url}, {@code title}, {@code content},
 * {@code engine}, {@code parsed_url}, {@code template}, {@code engines}, {@code positions}, {@code score},
 * {@code category}, then {@code answers}, {@code corrections}, {@code infoboxes}, {@code suggestions},
 * {@code unresponsive_engines}); any other {@code format} is 403, as an instance without the JSON format enabled
 * answers. By default every query gets three results naming it; tests script results, a delay or a status.
 */
public final class StandInSearx implements AutoCloseable {
    /** One search result as SearXNG lists it. */
    public record Result(String title, String url, String content) {}

    private final Javalin app;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile List<Result> results;
    private volatile Duration delay = Duration.ZERO;
    private volatile int status = 200;

    private StandInSearx() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.routes.get("/search", this::search);
        }).start(StandInOllama.HOST, 0);
    }

    public static StandInSearx start() {
        return new StandInSearx();
    }

    public String baseUrl() {
        return "http://" + StandInOllama.HOST + ":" + app.port();
    }

    /** Every query answers with {@code list} from now on (null: three results naming the query). */
    public StandInSearx results(List<Result> list) {
        this.results = list == null ? null : List.copyOf(list);
        return this;
    }

    /** Waits {@code d} before answering. */
    public StandInSearx delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** Answers every search with {@code code} and no results (200: normal). */
    public StandInSearx status(int code) {
        this.status = code;
        return this;
    }

    /** The queries asked so far, in order. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    private void search(Context ctx) throws InterruptedException {
        if (!"json".equals(ctx.queryParam("format"))) {
            ctx.status(403).result("Forbidden");
            return;
        }
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q");
        queries.add(q);
        Thread.sleep(delay);
        if (status != 200) {
            ctx.status(status).result("Internal Server Error");
            return;
        }
        List<Result> list = results != null ? results : List.of(
                new Result("About " + q, "https://example.org/about/" + q.length(), "Everything about " + q + "."),
                new Result(q + " news", "https://news.example.net/" + q.length(), "The latest on " + q + "."),
                new Result(q + " — encyclopedia", "https://encyclopedia.example.com/wiki/" + q.length(), q + " is a topic."));
        ObjectNode out = Wire.object().put("query", q).put("number_of_results", 0);
        var arr = out.putArray("results");
        for (int i = 0; i < list.size(); i++) {
            Result r = list.get(i);
            URI u = URI.create(r.url());
            var o = arr.addObject().put("url", r.url()).put("title", r.title()).put("content", r.content())
                    .put("engine", "duckduckgo");
            o.putArray("parsed_url").add(u.getScheme()).add(u.getRawAuthority()).add(u.getRawPath() == null ? "" : u.getRawPath())
                    .add("").add(u.getRawQuery() == null ? "" : u.getRawQuery()).add(u.getRawFragment() == null ? "" : u.getRawFragment());
            o.put("template", "default.html");
            o.putArray("engines").add("duckduckgo");
            o.putArray("positions").add(i + 1);
            o.put("score", 1.0 / (i + 1)).put("category", "general");
        }
        out.putArray("answers");
        out.putArray("corrections");
        out.putArray("infoboxes");
        out.putArray("suggestions");
        out.putArray("unresponsive_engines");
        ctx.contentType("application/json").result(out.toString());
    }

    @Override
    public void close() {
        app.stop();
    }
}
