package dev.idleclaw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.util.Objects;
import java.util.Optional;

/**
 * One hub of the cluster as it describes itself in the shared store.
 *
 * @param hub        the hub's public key (its identity)
 * @param clusterUrl its address as the other members reach it ({@code --cluster-url})
 * @param started    when it started, epoch milliseconds
 * @param version    its IdleClaw version
 */
public record Member(String hub, String clusterUrl, long started, String version) {
    /** The encoding's version: a reader skips values of another one rather than misreading them. */
    static final int FORMAT = 1;

    public Member {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(clusterUrl, "clusterUrl");
        Objects.requireNonNull(version, "version");
    }

    String encode() {
        return Json.write(Json.object().put("v", FORMAT).put("hub", hub).put("cluster_url", clusterUrl)
                .put("started", started).put("version", version));
    }

    /** The member in {@code text}, or empty when it is not one in this format. */
    static Optional<Member> decode(String text) {
        try {
            JsonNode n = Json.parse(text);
            if (n.path("v").asInt() != FORMAT) return Optional.empty();
            String hub = Json.text(n, "hub"), url = Json.text(n, "cluster_url"), version = Json.text(n, "version");
            if (hub == null || url == null || version == null || !n.path("started").canConvertToLong()) return Optional.empty();
            return Optional.of(new Member(hub, url, n.path("started").asLong(), version));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
