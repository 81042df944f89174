package dev.idleclaw.cluster;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.registry.MemberClient;
import dev.idleclaw.registry.MemberLinks;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.relay.EmbedRelay;
import io.javalin.http.Handler;
import org.eclipse.jetty.client.HttpClient;

/**
 * Request forwarding between the members of a cluster, both ways (docs/architecture.md "Cluster forwarding"): the
 * other members as the scheduler's backends of last resort, refreshed on each directory tick, and the internal route
 * their forwards arrive on (chats and embeddings).
 */
public final class ClusterForwarding implements AutoCloseable {
    private final HttpClient http;
    private final MemberLinks links;
    private final MemberRoute route;
    private final MemberEmbedRoute embedRoute;
    private final ForwardNonces nonces;

    public ClusterForwarding(ClusterSettings settings, ClusterDirectory directory, Identity self,
                             Scheduler scheduler, ChatRelay relay, EmbedRelay embeds) {
        this.http = MemberClient.start();
        this.links = new MemberLinks(self, http);
        scheduler.members(links);
        var backends = new MemberBackends(directory, links);
        directory.onRefresh(backends::refresh);
        this.nonces = new ForwardNonces(System.currentTimeMillis(), MemberAuth.CLUSTER_SKEW_MILLIS);
        java.util.function.Predicate<String> member = key -> directory.members().stream().anyMatch(m -> m.hub().equals(key));
        String host = RequestSignature.hostHeader(settings.url());
        // One nonce memory for both routes: a nonce is the forwarder's, whichever route it signed.
        var auth = new MemberAuth(member, nonces, self.publicKey(), host, MemberTransport.route(settings.url()).getRawPath());
        this.route = new MemberRoute(auth, relay);
        var embedAuth = new MemberAuth(member, nonces, self.publicKey(), host,
                MemberTransport.route(settings.url(), MemberTransport.EMBED_PATH).getRawPath());
        this.embedRoute = new MemberEmbedRoute(embedAuth, embeds);
    }

    /** The handler of {@link MemberTransport#PATH}. */
    public Handler route() {
        return route;
    }

    /** The handler of {@link MemberTransport#EMBED_PATH}. */
    public Handler embedRoute() {
        return embedRoute;
    }

    /** The forward nonces the internal routes have taken (for tests). */
    ForwardNonces nonces() {
        return nonces;
    }

    /** The member backends, as the scheduler sees them. */
    public MemberLinks links() {
        return links;
    }

    /** Removes the member backends; requests still on them end as from a vanished node. */
    @Override
    public void close() {
        links.closeAll();
        MemberClient.stop(http);
    }
}
