package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Json;
import dev.idleclaw.bench.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario prints: titled tables and notes as it goes, target verdicts, and at the end one line
 * {@value #RESULT_PREFIX}{@code {json}} with every figure, for docs to be filled from.
 */
final class Report {
    static final String RESULT_PREFIX = "RESULT ";

    private final PrintStream out;
    private final Map<String, Object> result = new LinkedHashMap<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();

    Report(PrintStream out, String scenario, boolean quick, boolean pinned) {
        this.out = out;
        result.put("scenario", scenario);
        result.put("quick", quick);
        result.put("pinned", pinned);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
    }

    void title(String text) {
        out.println();
        out.println("== " + text);
    }

    void table(Table t) {
        out.print(t);
    }

    void note(String text) {
        out.println("note: " + text);
    }

    /** A figure for the RESULT line. */
    void put(String key, Object value) {
        result.put(key, value);
    }

    /** Records and prints a target check: {@code actual} against {@code goal} (text), met or not. */
    void target(String what, Object actual, String goal, boolean met) {
        var m = new LinkedHashMap<String, Object>();
        m.put("target", what);
        m.put("actual", actual instanceof Double d ? Figures.round(d) : actual);
        m.put("goal", goal);
        m.put("met", met);
        targets.add(m);
    }

    /** Prints the target table and the RESULT line. */
    void finish() {
        if (!targets.isEmpty()) {
            title("targets");
            var t = new Table("target", "actual", "goal", "met");
            for (var m : targets) t.row(m.get("target"), Table.format(m.get("actual")), m.get("goal"), (Boolean) m.get("met") ? "yes" : "NO");
            table(t);
            result.put("targets", targets);
        }
        out.println();
        out.println(RESULT_PREFIX + Json.write(result));
        out.flush();
    }
}
