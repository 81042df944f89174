package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.HubMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A forward to a member and the member's NDJSON answer as the relay receives it, against a member on a plain socket. */
class MemberTransportTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);
    private static final String HELLO = "{\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"done\":false}\n";
    private static final String LAST = "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
            + "\"eval_count\":2,\"receipt\":{\"v\":1}}\n";

    private FakeMember fake;
    private HttpClient http;
    private MemberTransport member;
    private NodeLink link;
    private final Scheduler scheduler = new Scheduler(new NodeRegistry(10, 0), 1);

    @BeforeEach
    void start() throws IOException {
        fake = new FakeMember();
        http = MemberClient.start();
        member = new MemberTransport(Identity.generate().publicKey(), fake.url(), Identity.generate(), http);
        link = new NodeLink(member, "127.0.0.1");
    }

    @AfterEach
    void stop() throws IOException {
        MemberClient.stop(http);
        fake.close();
    }

    /** Forwards request {@code id} and returns the stream its events arrive on. */
    private RelayStream forward(String id) {
        var stream = new RelayStream(id, new Lease(scheduler, link), 64);
        link.track(stream);
        var params = Json.object().put("model", "m:1");
        params.putArray("messages").addObject().put("role", "user").put("content", "hi");
        assertThat(member.forward(link, new HubMessage.InferenceRequest(id, params), new MemberTransport.Caller(null, false, false))).isTrue();
        return stream;
    }

    private static RelayStream.Event next(RelayStream s) throws InterruptedException {
        RelayStream.Event e = s.poll(WAIT);
        assertThat(e).as("an event within the wait").isNotNull();
        return e;
    }

    private static String text(RelayStream.Event e) {
        assertThat(e).isInstanceOf(RelayStream.Piece.class);
        return ((RelayStream.Piece) e).chunk().content();
    }

    @Test
    void linesSplitAcrossReadsArriveWholeInOrderAndTheFinalLineCarriesTheReceipt() throws Exception {
        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, HELLO.substring(0, 30));
            Thread.sleep(50);
            FakeMember.chunk(out, HELLO.substring(30) + "\n" + HELLO.replace("Hello", " world").substring(0, 10));
            Thread.sleep(50);
            FakeMember.chunk(out, HELLO.replace("Hello", " world").substring(10) + LAST);
            FakeMember.end(out);
        });
        RelayStream s = forward("r1");
        assertThat(text(next(s))).isEqualTo("Hello");
        assertThat(text(next(s))).isEqualTo(" world");
        var last = (RelayStream.Chunk) next(s);
        assertThat(last.chunk().path("done").asBoolean()).isTrue();
        assertThat(last.chunk().has("receipt")).as("the receipt is taken off the chunk").isFalse();
        assertThat(last.receipt().path("v").asInt()).isEqualTo(1);
        assertThat(s.poll(TimeUnit.MILLISECONDS.toNanos(200))).as("nothing after the final chunk").isNull();

        var req = fake.received.poll(10, TimeUnit.SECONDS);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo(MemberTransport.PATH);
        assertThat(req.headers()).containsEntry("accept", "application/x-ndjson").containsKey(ForwardSignature.SIGNATURE)
                .doesNotContainKey("accept-encoding");
        assertThat(Json.parse(req.body()).path("request_id").asText()).isEqualTo("r1");
    }

    @Test
    void aChunkArrivingAfterThePasserIsPassedByTheClientsSelectorThread() throws Exception {
        var attached = new CountDownLatch(1);
        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            attached.await(10, TimeUnit.SECONDS);
            FakeMember.chunk(out, HELLO);
        });
        RelayStream s = forward("r1");
        List<String> threads = new CopyOnWriteArrayList<>();
        var passed = new CountDownLatch(1);
        s.attach(new RelayStream.Passer() {
            @Override
            public boolean pass(RelayStream.Event chunk) {
                threads.add(Thread.currentThread().getName() + (Thread.currentThread().isVirtual() ? " (virtual)" : ""));
                passed.countDown();
                return true;
            }

            @Override
            public boolean flush() {
                return true;
            }
        });
        attached.countDown();
        assertThat(passed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).singleElement().asString().startsWith("member-client").doesNotContain("virtual");
    }

    @Test
    void aFourHundredAnswerIsTheForwardRefusedSoTheMemberIsUnavailableAndOneWarnSaysWhy() throws Exception {
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        var log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MemberTransport.class);
        logged.start();
        log.addAppender(logged);
        try {
            fake.answer((socket, out) -> FakeMember.json(out, 429, "{\"error\":\"too many forwards\"}"));
            assertThat(next(forward("r1"))).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
            fake.answer((socket, out) -> FakeMember.json(out, 403, ""));
            assertThat(next(forward("r2"))).as("without a body too").isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
            fake.answer((socket, out) -> FakeMember.json(out, 503, "{\"error\":\"no node\"}"));
            assertThat(next(forward("r3"))).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
        } finally {
            log.detachAppender(logged);
        }
        var warns = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).toList();
        assertThat(warns).as("one WARN a minute per member").hasSize(1);
        assertThat(warns.getFirst().getFormattedMessage()).contains("refused this hub's forward of request r1 (429: too many forwards)");
    }

    @Test
    void anUnreachableMemberIsUnavailable() throws Exception {
        int closed;
        try (var s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        member = new MemberTransport(Identity.generate().publicKey(), URI.create("http://127.0.0.1:" + closed), Identity.generate(), http);
        link = new NodeLink(member, "127.0.0.1");
        assertThat(next(forward("r1"))).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
    }

    @Test
    void theMembersErrorAndRefusedLinesEndTheAnswerAsTheySay() throws Exception {
        String[] lines = {"{\"error\":\"timeout\"}\n", "{\"error\":\"disconnected\"}\n",
                "{\"refused\":{\"status\":400,\"message\":\"bad tools\",\"body\":{\"error\":\"bad tools\"}}}\n"};
        for (String line : lines) {
            fake.answer((socket, out) -> {
                FakeMember.streamHead(out);
                FakeMember.chunk(out, "\n" + HELLO + line + HELLO);
                FakeMember.end(out);
            });
        }
        RelayStream a = forward("r1");
        assertThat(text(next(a))).isEqualTo("Hello");
        assertThat(next(a)).isEqualTo(new RelayStream.NodeError("timeout"));
        RelayStream b = forward("r2");
        next(b);
        assertThat(next(b)).isEqualTo(new RelayStream.Disconnected());
        RelayStream c = forward("r3");
        next(c);
        var refused = (RelayStream.Refused) next(c);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).isEqualTo("bad tools");
        assertThat(refused.body().path("error").asText()).isEqualTo("bad tools");
        for (RelayStream s : List.of(a, b, c)) assertThat(s.poll(TimeUnit.MILLISECONDS.toNanos(100))).isNull();
    }

    @Test
    void aStreamEndingWithoutAFinalLineIsADisconnectAndAResetOneIsUnavailable() throws Exception {
        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, HELLO);
            FakeMember.end(out);
        });
        RelayStream ended = forward("r1");
        assertThat(text(next(ended))).isEqualTo("Hello");
        assertThat(next(ended)).isEqualTo(new RelayStream.Disconnected());

        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, HELLO);
            Thread.sleep(50);
            socket.setSoLinger(true, 0);
            socket.close(); // a reset, mid-answer
        });
        RelayStream reset = forward("r2");
        assertThat(text(next(reset))).isEqualTo("Hello");
        assertThat(next(reset)).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
    }

    @Test
    void aLineLongerThanTheLimitOrNotJsonEndsTheAnswerAsUnavailable() throws Exception {
        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, "x".repeat(MemberExchange.MAX_LINE_BYTES + 1));
            Thread.sleep(5_000);
        });
        assertThat(next(forward("r1"))).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));

        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, "[1]\n" + HELLO);
            FakeMember.end(out);
        });
        RelayStream s = forward("r2");
        assertThat(next(s)).isEqualTo(new RelayStream.NodeError("ollama_unavailable"));
        assertThat(s.poll(TimeUnit.MILLISECONDS.toNanos(200))).as("nothing after the failure").isNull();
    }

    @Test
    void cancellingClosesTheMembersConnectionAndDeliversNothingMore() throws Exception {
        var gone = new CountDownLatch(1);
        fake.answer((socket, out) -> {
            FakeMember.streamHead(out);
            FakeMember.chunk(out, HELLO);
            try {
                socket.setSoTimeout(10_000);
                if (socket.getInputStream().read() < 0) gone.countDown();
            } catch (IOException reset) {
                gone.countDown();
            }
        });
        RelayStream s = forward("r1");
        assertThat(text(next(s))).isEqualTo("Hello");
        assertThat(link.send(new HubMessage.CancelRequest("r1"))).isTrue();
        assertThat(gone.await(10, TimeUnit.SECONDS)).as("the member sees its connection closed").isTrue();
        assertThat(s.poll(TimeUnit.MILLISECONDS.toNanos(200))).as("no failure is reported for a cancelled request").isNull();
    }
}
