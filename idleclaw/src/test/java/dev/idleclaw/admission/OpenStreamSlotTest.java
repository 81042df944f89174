package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.admission.Admission.Stage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The open-stream slot comes back when the answer's last byte is handed over, not when the door returns: a client
 * that sends its next request the instant it has read a short answer is not refused 429 for a slot it no longer uses.
 * The door here holds on after answering (as a door may, recording the request) until the next request is answered.
 */
class OpenStreamSlotTest {
    /** How long the first door holds on at most: far longer than the next request needs. */
    private static final long HOLD_SECONDS = 5;

    @Test
    void aSizedAnswerGivesItsSlotBackBeforeItsDoorReturns() throws Exception {
        nextRequestIsServedWhileTheFirstDoorHoldsOn(ctx -> {
            byte[] body = "{\"detail\":\"refused\"}".getBytes(StandardCharsets.UTF_8);
            ctx.res().setStatus(422);
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
        });
    }

    @Test
    void aStreamedAnswerGivesItsSlotBackWhenItsStreamIsClosed() throws Exception {
        nextRequestIsServedWhileTheFirstDoorHoldsOn(ctx -> {
            var out = ctx.res().getOutputStream();
            ctx.res().setContentType("text/event-stream");
            out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
    }

    private static void nextRequestIsServedWhileTheFirstDoorHoldsOn(Handler answer) throws Exception {
        var nextAnswered = new CountDownLatch(1);
        var calls = new AtomicInteger();
        Handler door = ctx -> {
            if (calls.incrementAndGet() == 1) {
                answer.handle(ctx);
                nextAnswered.await(HOLD_SECONDS, TimeUnit.SECONDS);
            } else {
                ctx.result("second");
            }
        };
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/chat", admission().chatDoor(door));
        }).start("127.0.0.1", 0);
        // Two clients, so the second request is on a connection of its own (one connection serves one at a time).
        try (var first = HttpClient.newHttpClient(); var second = HttpClient.newHttpClient()) {
            var url = URI.create("http://127.0.0.1:" + app.port() + "/chat");
            var held = first.send(post(url), HttpResponse.BodyHandlers.ofString());
            assertThat(calls.get()).isEqualTo(1);
            var next = second.send(post(url), HttpResponse.BodyHandlers.ofString());
            nextAnswered.countDown();
            assertThat(held.statusCode()).isIn(200, 422);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("second");
        } finally {
            nextAnswered.countDown();
            app.stop();
        }
    }

    /** The real open-stream step with a cap of one, every other step letting the request through. */
    private static Admission admission() {
        var steps = new EnumMap<Stage, Step>(Stage.class);
        for (Stage s : Stage.values()) steps.put(s, request -> true);
        steps.put(Stage.OPEN_STREAMS, new StreamCap(new ChatGate(1)));
        var shapes = new DoorShapes();
        shapes.route("/chat", ErrorShape.IDLECLAW);
        return new Admission(steps, new ClientIp(List.of()), shapes, () -> {
            throw new AssertionError("no credentials are checked here");
        });
    }

    private static HttpRequest post(URI url) {
        return HttpRequest.newBuilder(url).version(HttpClient.Version.HTTP_1_1).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }
}
