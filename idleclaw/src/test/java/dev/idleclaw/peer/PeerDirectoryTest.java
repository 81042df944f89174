package dev.idleclaw.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The router's view of its peers against real HTTP workers on 127.0.0.1, with a clock the test moves. */
class PeerDirectoryTest {
    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong(1_795_000_000_000L);
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final List<FakeWorker> workers = new ArrayList<>();

    @AfterEach
    void stop() {
        workers.forEach(FakeWorker::close);
        http.close();
    }

    FakeWorker worker(String... models) {
        var w = new FakeWorker(Identity.generate().publicKey(), models);
        workers.add(w);
        return w;
    }

    Path file(FakeWorker... ws) {
        Path p = dir.resolve("peers.json");
        new PeersFile(p, now::get).upsertAll(java.util.Arrays.stream(ws).map(FakeWorker::peer).toList());
        return p;
    }

    PeerDirectory directory(Path file, UrlSafety.Policy policy) {
        return new PeerDirectory(file, UrlSafety.of(policy), http, now::get);
    }

    PeerDirectory local(FakeWorker... ws) {
        return directory(file(ws), UrlSafety.Policy.LOCAL);
    }

    @Test
    void capacityIsParsedAndCachedForThirtySecondsFromFetchTime() {
        var w = worker("llama3.1:8b", "qwen2.5:7b");
        var d = local(w);
        var cap = d.capacity(w.peer()).orElseThrow();
        assertThat(cap).isEqualTo(new Capacity(w.pubkey, List.of("llama3.1:8b", "qwen2.5:7b"), "interactive", 2, 0));
        now.addAndGet(PeerDirectory.CAPACITY_TTL.toMillis() - 1);
        w.models("other");
        assertThat(d.capacity(w.peer())).contains(cap);
        assertThat(w.hits).hasValue(1);
        now.addAndGet(1);
        assertThat(d.capacity(w.peer()).orElseThrow().models()).containsExactly("other");
        assertThat(w.hits).hasValue(2);
    }

    @Test
    void aChangedUrlIsFetchedAgainAtOnce() {
        var w = worker("m");
        var other = worker("m");
        var d = local(w);
        d.capacity(w.peer());
        // same key, another address: the cached answer came from somewhere else
        other.answer(200, "{\"pubkey\":\"" + w.pubkey + "\",\"models\":[\"n\"]}");
        assertThat(d.capacity(Peer.of(w.pubkey, other.url(), null)).orElseThrow().models()).containsExactly("n");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void aHangingWorkerTimesOutAfterTwoSeconds() {
        var w = worker("m").hang();
        var d = local(w);
        long start = System.nanoTime();
        assertThat(d.capacity(w.peer())).isEmpty();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).isBetween(PeerDirectory.CAPACITY_TIMEOUT.toMillis() - 100, PeerDirectory.CAPACITY_TIMEOUT.toMillis() + 2_000);
        assertThat(d.healthy(w.peer())).isTrue(); // one failure is forgiven
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(d.healthy(w.peer())).isFalse();
    }

    @Test
    void twoFailuresExcludeForThirtySecondsThenThePeerIsRetried() {
        var w = worker("m").answer(500, "{\"error\":\"ollama down\"}");
        var d = local(w);
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(d.healthy(w.peer())).isTrue();
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(d.healthy(w.peer())).isFalse();
        assertThat(d.serving("m")).isEmpty();
        assertThat(w.hits).hasValue(2); // excluded peers are not even asked

        now.addAndGet(PeerDirectory.COOLDOWN.toMillis() - 1);
        assertThat(d.healthy(w.peer())).isFalse();
        now.addAndGet(1);
        assertThat(d.healthy(w.peer())).isTrue();
        w.models("m");
        assertThat(d.serving("m")).containsExactly(w.peer());

        d.recordFailure(w.peer()); // the count was never reset: one more failure excludes again
        assertThat(d.healthy(w.peer())).isFalse();
        now.addAndGet(PeerDirectory.COOLDOWN.toMillis());
        d.recordSuccess(w.peer());
        d.recordFailure(w.peer());
        assertThat(d.healthy(w.peer())).isTrue();
    }

    @Test
    void aCapacityForAnotherKeyIsAFailure() {
        var w = worker();
        w.answer(200, "{\"pubkey\":\"" + Identity.generate().publicKey() + "\",\"models\":[\"m\"]}");
        var d = local(w);
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(d.healthy(w.peer())).isFalse();
    }

    @Test
    void bodiesThatAreNotACapacityAreFailures() {
        for (String body : List.of("not json", "[]", "{\"models\":[\"m\"]}")) {
            var w = worker().answer(200, body);
            var d = local(w);
            assertThat(d.capacity(w.peer())).as(body).isEmpty();
            d.capacity(w.peer());
            assertThat(d.healthy(w.peer())).as(body).isFalse();
        }
    }

    @Test
    void capacityIsReadLeniently() throws Exception {
        var c = Capacity.fromJson(Json.parse("{\"pubkey\":\"k\",\"models\":[\"a\",7,null,\"b\"],\"queueDepth\":\"x\"}"));
        assertThat(c).isEqualTo(new Capacity("k", List.of("a", "b"), "best-effort", 1, 0));
        assertThat(Capacity.fromJson(Json.parse("{\"pubkey\":\"k\",\"models\":\"a\"}")).models()).isEmpty();
    }

    @Test
    void modelsAndServingCoverOnlyHealthyPeersWithFreshCapacity() {
        var a = worker("llama3.1:8b", "shared");
        var b = worker("qwen2.5:7b", "shared");
        var d = local(a, b);
        assertThat(d.models()).containsExactlyInAnyOrder("llama3.1:8b", "qwen2.5:7b", "shared");
        assertThat(d.serving("shared")).containsExactly(a.peer(), b.peer());
        assertThat(d.serving("llama3.1")).isEmpty(); // exact string, no prefix or tag matching

        // b's capacity is still cached, but b has failed twice: its models vanish at once (§12 #11)
        d.recordFailure(b.peer());
        d.recordFailure(b.peer());
        assertThat(d.models()).containsExactlyInAnyOrder("llama3.1:8b", "shared");
        assertThat(d.serving("qwen2.5:7b")).isEmpty();
        assertThat(d.serving("shared")).containsExactly(a.peer());

        // a dies and b stays dead: once a's cache runs out its models go too; b, past its cooldown, is tried,
        // fails once more and is excluded again
        a.answer(500, "");
        b.answer(500, "");
        now.addAndGet(PeerDirectory.CAPACITY_TTL.toMillis());
        assertThat(d.models()).isEmpty();
        assertThat(d.healthy(a.peer())).isTrue();
        assertThat(d.healthy(b.peer())).isFalse();
    }

    @Test
    void loopbackIsRefusedUnlessLocalAndTheCheckRunsOnEveryFetch() {
        var w = worker("m");
        var strict = directory(file(w), UrlSafety.Policy.DEFAULT);
        assertThat(strict.capacity(w.peer())).isEmpty();
        assertThat(w.hits).hasValue(0);
        assertThat(strict.models()).isEmpty();
        assertThat(strict.healthy(w.peer())).isFalse();

        // A resolver that changes its answer between fetches (DNS rebinding) is caught on the refetch.
        var answers = new java.util.concurrent.atomic.AtomicReference<>("127.0.0.1");
        var rebinding = new UrlSafety(UrlSafety.Policy.LOCAL, host -> new java.net.InetAddress[] {java.net.InetAddress.getByName(answers.get())});
        var d = new PeerDirectory(file(w), rebinding, http, now::get);
        assertThat(d.capacity(w.peer())).isPresent();
        answers.set("169.254.169.254");
        now.addAndGet(PeerDirectory.CAPACITY_TTL.toMillis());
        assertThat(d.capacity(w.peer())).isEmpty();
        assertThat(w.hits).hasValue(1);
    }

    @Test
    void peersFollowTheFileAndDropExpiredEntries() throws Exception {
        Path p = dir.resolve("peers.json");
        var d = directory(p, UrlSafety.Policy.LOCAL);
        assertThat(d.peers()).isEmpty();
        var f = new PeersFile(p, now::get);
        f.upsert(Peer.of(PeersFileTest.A, "http://10.0.0.5:1", null));
        assertThat(d.peers()).extracting(Peer::pubkey).containsExactly(PeersFileTest.A);
        f.upsert(new Peer(PeersFileTest.B, "http://10.0.0.6:1", "synced", now.get() + 1_000));
        assertThat(d.peers()).extracting(Peer::pubkey).containsExactly(PeersFileTest.A, PeersFileTest.B);
        now.addAndGet(1_001);
        assertThat(d.peers()).extracting(Peer::pubkey).containsExactly(PeersFileTest.A);

        Files.writeString(p, "{ broken"); // an editor's half-saved file: keep routing to what we had
        assertThat(d.peers()).extracting(Peer::pubkey).containsExactly(PeersFileTest.A);
        Files.delete(p);
        assertThat(d.peers()).isEmpty();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void concurrentMissesShareOneFetchAndCountOneFailure() throws Exception {
        var w = worker("m").hang();
        var d = local(w);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < 4; i++) threads.add(Thread.ofVirtual().start(() -> d.capacity(w.peer())));
        for (Thread t : threads) t.join(Duration.ofSeconds(10));
        assertThat(w.hits.get()).isLessThanOrEqualTo(2);
        if (w.hits.get() == 1) assertThat(d.healthy(w.peer())).isTrue();
    }
}
