package dev.idleclaw.admission;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which door answers a path, so that every refusal on it (413, 429, 404, 405, a broken body, an unexpected error) is
 * in the error shape that door's clients read. Each route registers here as it is mounted, with its door's shape (or,
 * for {@code /api/chat}, a rule that decides per request); a door may also claim the unrouted paths below a prefix
 * its clients use (OpenAI's {@code /v1/}), so that their 404 is in its shape too. Anything else is the hub's own
 * ({@link ErrorShape#IDLECLAW}).
 */
public final class DoorShapes {
    /** Javalin's path parameter that also spans slashes ({@code /v1/models/<model>}). */
    private static final String PARAMETER = "<";

    private final Map<String, Function<Context, ErrorShape>> exact = new HashMap<>();
    /** Templated routes by the fixed part before their parameter, longest first. */
    private final TreeMap<String, Function<Context, ErrorShape>> templated = new TreeMap<>(DoorShapes::longestFirst);
    /** Unrouted paths a door claims, by prefix, longest first. */
    private final TreeMap<String, ErrorShape> claimed = new TreeMap<>(DoorShapes::longestFirst);

    /** {@code path} (a Javalin path, possibly ending in a {@code <parameter>}) is answered by a door of {@code shape}. */
    public void route(String path, ErrorShape shape) {
        route(path, ctx -> shape);
    }

    /** {@code path} is answered by a door that picks its shape per request (the {@code /api/chat} dialect). */
    public void route(String path, Function<Context, ErrorShape> rule) {
        int p = path.indexOf(PARAMETER);
        if (p < 0) exact.put(path, rule);
        else templated.put(path.substring(0, p), rule);
    }

    /** Unrouted paths under {@code prefix} are a door of {@code shape}'s clients' (their 404 is in its shape). */
    public void claim(String prefix, ErrorShape shape) {
        claimed.put(prefix, shape);
    }

    /** The shape of the door that handles this request. */
    public ErrorShape of(Context ctx) {
        return of(ctx.path(), ctx);
    }

    /** {@link #of(Context)} by path; {@code ctx} is only asked by a per-request rule. */
    public ErrorShape of(String path, Context ctx) {
        var rule = exact.get(path);
        if (rule != null) return rule.apply(ctx);
        for (var e : templated.entrySet()) {
            if (path.startsWith(e.getKey()) && path.length() > e.getKey().length()) return e.getValue().apply(ctx);
        }
        for (var e : claimed.entrySet()) {
            if (path.startsWith(e.getKey())) return e.getValue();
        }
        return ErrorShape.IDLECLAW;
    }

    private static int longestFirst(String a, String b) {
        int byLength = Integer.compare(b.length(), a.length());
        return byLength != 0 ? byLength : a.compareTo(b);
    }
}
