package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.json.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;

/** The hand-over between a node link's reader and the consumer's thread, without a network. */
class RelayStreamTest {
    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(10);

    /** What a passer saw: each chunk's text with the name of the thread that passed it, and each flush. */
    private static final class Recorder implements RelayStream.Passer {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile String stopAt;
        /** Whether a flush finds the consumer's connection gone. */
        volatile boolean consumerGone;

        @Override
        public boolean pass(RelayStream.Event chunk) {
            String text = ((RelayStream.Piece) chunk).chunk().content();
            seen.add(text + "@" + Thread.currentThread().getName());
            return !text.equals(stopAt);
        }

        @Override
        public boolean flush() {
            seen.add("flush@" + Thread.currentThread().getName());
            return !consumerGone;
        }
    }

    private static RelayStream stream() {
        var link = new NodeLink((Session) null, "10.0.0.1");
        link.disconnected(); // nothing is ever sent to this link's (absent) socket
        return new RelayStream("r1", new Lease(new Scheduler(new NodeRegistry(10, 0), 1), link), 8);
    }

    private static RelayStream.Piece piece(String text) {
        return new RelayStream.Piece(new ChatChunk(text, "", List.of()));
    }

    private static RelayStream.Chunk last() {
        var chunk = Json.object().put("done", true);
        chunk.putObject("message").put("role", "assistant").put("content", "");
        return new RelayStream.Chunk(chunk);
    }

    /** Runs {@code await} on another thread and tells when it returned. */
    private static CountDownLatch waitingConsumer(RelayStream s) {
        var returned = new CountDownLatch(1);
        Thread.ofPlatform().name("consumer").start(() -> {
            try {
                s.await(LONG_WAIT);
            } catch (InterruptedException ignored) {
                // the test ends
            }
            returned.countDown();
        });
        return returned;
    }

    @Test
    void theDeliveringThreadPassesEachChunkAndFlushesItWithoutWakingTheConsumer() throws Exception {
        var s = stream();
        var passer = new Recorder();
        s.attach(passer);
        var returned = waitingConsumer(s);
        Thread.currentThread().setName("reader");
        for (int i = 0; i < 3; i++) s.deliver(piece("t" + i));
        assertThat(passer.seen).containsExactly("t0@reader", "flush@reader", "t1@reader", "flush@reader", "t2@reader", "flush@reader");
        assertThat(returned.await(300, TimeUnit.MILLISECONDS)).as("the consumer slept through the chunks").isFalse();

        s.deliver(last());
        assertThat(returned.await(5, TimeUnit.SECONDS)).as("the final chunk wakes the consumer").isTrue();
        assertThat(s.takeFinal()).isInstanceOf(RelayStream.Chunk.class);
        assertThat(s.passingEnded()).isTrue();
        s.deliver(piece("after the end"));
        assertThat(passer.seen).hasSize(6);
    }

    @Test
    void chunksThatArriveBeforeThePasserAreLeftInOrderForTheConsumerThread() throws Exception {
        var s = stream();
        var returned = waitingConsumer(s);
        s.deliver(piece("early"));
        assertThat(returned.await(5, TimeUnit.SECONDS)).as("with no passer, a chunk wakes the consumer").isTrue();
        s.deliver(piece("early too"));
        s.deliver(last());
        var passer = new Recorder();
        s.attach(passer);
        Thread.currentThread().setName("consumer-thread");
        assertThat(s.takeFinal()).isInstanceOf(RelayStream.Chunk.class);
        assertThat(passer.seen).containsExactly("early@consumer-thread", "early too@consumer-thread", "flush@consumer-thread");
    }

    @Test
    void aPasserThatEndsTheAttemptWakesTheConsumerAndPassesNothingMore() throws Exception {
        var s = stream();
        var passer = new Recorder();
        passer.stopAt = "cut here";
        s.attach(passer);
        var returned = waitingConsumer(s);
        s.deliver(piece("fine"));
        s.deliver(piece("cut here"));
        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.passingEnded()).isTrue();
        s.deliver(piece("dropped"));
        assertThat(s.takeFinal()).isNull();
        assertThat(passer.seen).extracting(e -> e.substring(0, e.indexOf('@'))).containsExactly("fine", "flush", "cut here");
    }

    @Test
    void chunksPassedInOneReadBurstAreFlushedOncePerStreamWhenTheBurstEnds() throws Exception {
        var a = stream();
        var b = stream();
        var passerA = new Recorder();
        var passerB = new Recorder();
        a.attach(passerA);
        b.attach(passerB);
        Thread.currentThread().setName("reader");
        ReadBurst.run(() -> {
            a.deliver(piece("a0"));
            b.deliver(piece("b0"));
            a.deliver(piece("a1"));
            assertThat(passerA.seen).as("nothing is flushed inside the burst").containsExactly("a0@reader", "a1@reader");
        });
        assertThat(passerA.seen).containsExactly("a0@reader", "a1@reader", "flush@reader");
        assertThat(passerB.seen).containsExactly("b0@reader", "flush@reader");
    }

    @Test
    void aBurstThatNeverEndsStillFlushesAfterABoundedNumberOfChunks() {
        var s = stream();
        var passer = new Recorder();
        s.attach(passer);
        ReadBurst.run(() -> {
            for (int i = 0; i < RelayStream.MAX_PASSED_UNFLUSHED + 1; i++) s.deliver(piece("t" + i));
            assertThat(passer.seen.stream().filter(e -> e.startsWith("flush@")).count()).isEqualTo(1);
            assertThat(passer.seen.get(RelayStream.MAX_PASSED_UNFLUSHED)).startsWith("flush@");
        });
        assertThat(passer.seen.getLast()).startsWith("flush@");
        assertThat(passer.seen).hasSize(RelayStream.MAX_PASSED_UNFLUSHED + 3);
    }

    @Test
    void aConsumerFoundGoneAtTheEndOfABurstWakesItsThread() throws Exception {
        var s = stream();
        var passer = new Recorder();
        passer.consumerGone = true;
        s.attach(passer);
        var returned = waitingConsumer(s);
        ReadBurst.run(() -> s.deliver(piece("t0")));
        assertThat(returned.await(5, TimeUnit.SECONDS)).as("the failed flush ends the attempt").isTrue();
        assertThat(s.passingEnded()).isTrue();
        s.deliver(piece("dropped"));
        assertThat(passer.seen).extracting(e -> e.substring(0, e.indexOf('@'))).containsExactly("t0", "flush");
    }

    @Test
    void theConsumerThreadNeverTakesANonFinalChunkThatArrivesWhileItLooks() throws Exception {
        for (int round = 0; round < 300; round++) {
            var s = stream();
            var passer = new Recorder();
            s.attach(passer);
            var reader = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20; i++) s.deliver(piece("t" + i));
                s.deliver(last());
            });
            RelayStream.Event taken;
            while ((taken = s.takeFinal()) == null && !s.passingEnded()) Thread.onSpinWait();
            reader.join();
            assertThat(taken).as("round %d", round).isInstanceOf(RelayStream.Chunk.class);
            assertThat(passer.seen.stream().filter(e -> !e.startsWith("flush@")).count()).isEqualTo(20);
        }
    }

    @Test
    void theConsumerWaitsUntilItsDeadlineWhenNothingArrives() throws Exception {
        var s = stream();
        s.attach(new Recorder());
        var start = new AtomicLong(System.nanoTime());
        s.await(TimeUnit.MILLISECONDS.toNanos(200));
        long waitedMs = (System.nanoTime() - start.get()) / 1_000_000;
        assertThat(waitedMs).isGreaterThanOrEqualTo(190);
        assertThat(s.takeFinal()).isNull();
        assertThat(s.passingEnded()).isFalse();
    }
}
