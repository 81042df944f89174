package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import dev.idleclaw.announce.Announcement;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The worker profile ({@code idleclaw worker}, lobstah-wire.md §7, §11a): the hub serves one machine's Ollama in its
 * own process, and a node agent may connect only on a separate loopback listener and only with the hub's own key; the Lobstah worker routes ({@code /}, {@code /pubkey}, {@code /capacity}) are added, {@code /v1/models}
 * says {@code owned_by: "lobstah:<key prefix>"}, a bare {@code x-lobstah-requester} is named in receipts without
 * being debited, and a proved requester without credit gets 402.
 *
 * @param tier         the tier {@code /capacity} reports ({@code interactive}, {@code batch} or {@code best-effort})
 * @param ollama       the local Ollama, asked for its health by {@code /capacity}
 * @param identityFile the worker's key file; null = {@code identity.json} in the data directory
 */
public record Worker(String tier, URI ollama, Path identityFile) {
    /** A worker promises nothing about latency unless its operator says so. */
    public static final String DEFAULT_TIER = "best-effort";

    public Worker {
        if (tier == null) tier = DEFAULT_TIER;
        require(Announcement.TIERS.contains(tier), "--tier must be interactive, batch or best-effort, got " + tier);
        Objects.requireNonNull(ollama, "--ollama");
    }
}
