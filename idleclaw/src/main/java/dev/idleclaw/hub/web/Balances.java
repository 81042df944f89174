package dev.idleclaw.hub.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;

/** The {@code /balance} and {@code /ledger} bodies in Lobstah's shapes (lobstah-wire.md §8). */
final class Balances {
    /** {@code /ledger}'s default and bounds (Lobstah's). */
    static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 500;
    /** How many accounts {@code perPeer} lists: enough for an operator's view, bounded for the response size. */
    static final int MAX_ACCOUNTS = 100;

    private Balances() {}

    static ObjectNode balance(Ledger ledger, String hubKey, String self) {
        var totals = ledger.totals();
        ObjectNode o = Json.object().put("pubkey", hubKey);
        o.putObject("totals").put("earned", totals.earned()).put("spent", totals.spent()).put("receipts", totals.receipts());
        o.set("self", account(ledger.account(self)));
        var peers = o.putArray("perPeer");
        for (var a : ledger.accounts(MAX_ACCOUNTS)) peers.add(account(a));
        o.put("bootstrapAllowance", ledger.bootstrapAllowance());
        return o;
    }

    private static ObjectNode account(Ledger.Account a) {
        return Json.object().put("pubkey", a.pubkey()).put("earned", a.earned()).put("spent", a.spent())
                .put("net", a.net()).put("allowance", a.allowance()).put("available", a.available());
    }

    static ObjectNode ledger(Ledger ledger, String limitParam) {
        int limit;
        try {
            limit = limitParam == null ? DEFAULT_LIMIT : Math.clamp(Integer.parseInt(limitParam.trim()), 1, MAX_LIMIT);
        } catch (NumberFormatException e) {
            limit = DEFAULT_LIMIT;
        }
        var receipts = ledger.recent(limit);
        ObjectNode o = Json.object().put("total", ledger.totals().receipts()).put("returned", receipts.size());
        var list = o.putArray("receipts");
        receipts.forEach(r -> list.add(r.toJson()));
        return o;
    }
}
