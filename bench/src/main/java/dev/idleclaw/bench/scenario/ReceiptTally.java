package dev.idleclaw.bench.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One S2 level's receipt accounting ({@code --receipts}): what the hub accepted and rejected while the level's load
 * ran, against the requests the consumers got complete answers for. See {@link #RULE}.
 */
record ReceiptTally(int consumers, long windowRequests, long answered, HubReceipts.Count counted) {
    /**
     * The exact rule: the hub's counters are read just before the level's load process starts and again once it has
     * exited (and the hub has checked that many receipts, or 5 s passed). Every request the load sent in between
     * (probe, warm-up, window, and the tail still in flight when the window closed, which each consumer finishes
     * before it stops) must yield exactly one accepted receipt: accepted = answered, and nothing rejected.
     */
    static final String RULE = "accepted receipts counted from just before a level's load starts until it exits"
            + " = requests answered in that load (probe + warm-up + window + in-flight tail), exactly; 0 rejected";

    long accepted() {
        return counted.accepted();
    }

    long rejected() {
        return counted.rejectedTotal();
    }

    /** The rule holds. */
    boolean balanced() {
        return accepted() == answered && rejected() == 0;
    }

    Map<String, Object> json() {
        var j = new LinkedHashMap<String, Object>();
        j.put("window_requests", windowRequests);
        j.put("answered", answered);
        j.put("accepted", accepted());
        j.put("rejected", rejected());
        j.put("rejected_by_reason", counted.rejected());
        j.put("balanced", balanced());
        return j;
    }
}
