package dev.idleclaw.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.receipt.SignedReceipt;
import java.util.List;

/**
 * The {@code /balance} and {@code /ledger} bodies in Lobstah's shapes (lobstah-wire.md §8), for one {@link View}:
 * everything (the admin, or a public ledger), or one caller's own (docs/protocol.md "Who sees the ledger").
 * The totals are public either way.
 */
final class Balances {
    /** {@code /ledger}'s default and bounds (Lobstah's). */
    static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 500;
    /** How many accounts {@code perPeer} lists: enough for an operator's view, bounded for the response size. */
    static final int MAX_ACCOUNTS = 100;

    private Balances() {}

    /** What a caller may see: all accounts and receipts, or only those of {@code pubkey} (null: anonymous, none). */
    sealed interface View {
        /** The admin, or an operator's public ledger. */
        record All() implements View {}

        /** One caller's own: its account and the receipts naming it; nothing of others. */
        record Own(String pubkey) implements View {}
    }

    /** {@code self}: the caller's account (the hub's own for an anonymous caller). */
    static ObjectNode balance(Ledger ledger, String hubKey, String self, View view) {
        var totals = ledger.totals();
        ObjectNode o = Json.object().put("pubkey", hubKey);
        o.putObject("totals").put("earned", totals.earned()).put("spent", totals.spent()).put("receipts", totals.receipts())
                .put("held", totals.held()).put("forfeited", totals.forfeited());
        o.set("self", account(ledger.account(self)));
        var peers = o.putArray("perPeer");
        List<Ledger.Account> accounts = switch (view) {
            case View.All a -> ledger.accounts(MAX_ACCOUNTS);
            case View.Own own -> own.pubkey() == null ? List.of() : List.of(ledger.account(own.pubkey()));
        };
        for (var a : accounts) peers.add(account(a));
        o.put("bootstrapAllowance", ledger.bootstrapAllowance());
        return o;
    }

    private static ObjectNode account(Ledger.Account a) {
        return Json.object().put("pubkey", a.pubkey()).put("earned", a.earned()).put("spent", a.spent())
                .put("net", a.net()).put("allowance", a.allowance()).put("available", a.available())
                .put("held", a.held()).put("forfeited", a.forfeited());
    }

    /** {@code total} counts the whole ledger (public); the receipts are those the view shows. */
    static ObjectNode ledger(Ledger ledger, String limitParam, View view) {
        int limit;
        try {
            limit = limitParam == null ? DEFAULT_LIMIT : Math.clamp(Integer.parseInt(limitParam.trim()), 1, MAX_LIMIT);
        } catch (NumberFormatException e) {
            limit = DEFAULT_LIMIT;
        }
        List<SignedReceipt> receipts = switch (view) {
            case View.All a -> ledger.recent(limit);
            case View.Own own -> own.pubkey() == null ? List.of() : ledger.recent(own.pubkey(), limit);
        };
        ObjectNode o = Json.object().put("total", ledger.totals().receipts()).put("returned", receipts.size());
        var list = o.putArray("receipts");
        receipts.forEach(r -> list.add(r.toJson()));
        return o;
    }
}
