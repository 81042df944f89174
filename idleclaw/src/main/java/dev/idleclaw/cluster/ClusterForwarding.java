package dev.idleclaw.cluster;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.config.ClusterSettings;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.registry.MemberClient;
import dev.idleclaw.registry.MemberLinks;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.relay.ChatRelay;
import io.javalin.http.Handler;
import org.eclipse.jetty.client.HttpClient;

/**
 * Request forwarding between the members of a cluster, both ways (docs/architecture.md "Cluster forwarding"): the
 * other members as the scheduler's backends of last resort, refreshed on each directory tick, and the internal route
 * their forwards arrive on.
 */
public final class ClusterForwarding implements AutoCloseable {
    private final HttpClient http;
    private final MemberLinks links;
    private final MemberRoute route;

    public ClusterForwarding(ClusterSettings settings, ClusterDirectory directory, Identity self,
                             Scheduler scheduler, ChatRelay relay) {
        this.http = MemberClient.start();
        this.links = new MemberLinks(self, http);
        scheduler.members(links);
        var backends = new MemberBackends(directory, links);
        directory.onRefresh(backends::refresh);
        var nonces = new ForwardNonces(System.currentTimeMillis(), MemberAuth.CLUSTER_SKEW_MILLIS);
        var auth = new MemberAuth(key -> directory.members().stream().anyMatch(m -> m.hub().equals(key)), nonces,
                self.publicKey(), RequestSignature.hostHeader(settings.url()), MemberTransport.route(settings.url()).getRawPath());
        this.route = new MemberRoute(auth, relay);
    }

    /** The handler of {@link MemberTransport#PATH}. */
    public Handler route() {
        return route;
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
