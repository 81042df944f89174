package dev.idleclaw.registry;

import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The HTTP client a hub reads its cluster members' answers with: Jetty's, HTTP/1.1, one connection per forwarded
 * request in flight, pooled between requests. Its connections' reads run in its selector ({@code NON_BLOCKING}: every
 * listener, {@link MemberExchange}, only parses and hands chunks on, never waits), so a member's chunk reaches the
 * consumer's connection on the thread that read it, as a node's does. The JDK client it replaces handed each read from
 * its selector to its executor and from there to the reading thread: two hand-offs per token (docs/benchmarks.md S9).
 */
public final class MemberClient {
    /** Connections to one member at most: one per request in flight, and a member takes at most this many from us. */
    static final int MAX_CONNECTIONS = MemberLinks.MAX_MEMBER_CONCURRENCY;
    /**
     * A pooled connection unused this long is closed: shorter than the members' own (Jetty's default 30 s), so a
     * member never closes one just as this hub sends a request on it.
     */
    static final Duration POOL_IDLE = Duration.ofSeconds(20);

    private MemberClient() {}

    /** A started client; the caller stops it. */
    public static HttpClient start() {
        var transport = new HttpClientTransportOverHTTP();
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        var client = new HttpClient(transport);
        var threads = new QueuedThreadPool();
        threads.setName("member-client");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("member-client-timer", true));
        client.setConnectTimeout(MemberTransport.CONNECT_TIMEOUT.toMillis());
        client.setIdleTimeout(POOL_IDLE.toMillis());
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setMaxRequestsQueuedPerDestination(MAX_CONNECTIONS);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        try {
            client.start();
            // No Accept-Encoding (the client adds its decoders when it starts): compression would hold lines back.
            client.getContentDecoderFactories().clear();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the cluster members' HTTP client", e);
        }
        return client;
    }

    /** Stops {@code client}: exchanges still under way fail. */
    public static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the cluster members' HTTP client", e);
        }
    }
}
