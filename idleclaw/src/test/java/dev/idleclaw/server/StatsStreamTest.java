package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** The dashboard stream's viewers: bounded in number, and a slow one is dropped rather than buffered. */
class StatsStreamTest {

    @Test
    void aViewerThatFallsBehindIsDroppedWhileOthersKeepEveryEvent() {
        var stream = new StatsStream();
        var slow = stream.join();
        var fast = stream.join();
        byte[] event = {1};
        for (int i = 0; i <= StatsStream.BACKLOG; i++) {
            stream.broadcast(event);
            assertThat(fast.poll()).isSameAs(event);
        }
        assertThat(stream.dropped()).isEqualTo(1);
        assertThat(StatsStream.isEnd(slow.poll())).as("the slow viewer is told to end").isTrue();
        assertThat(slow).isEmpty();
        stream.broadcast(event);
        assertThat(slow).as("nothing more is queued for it").isEmpty();
        assertThat(fast.poll()).isSameAs(event);
    }

    @Test
    void viewersBeyondTheCapAreRefusedUntilOneLeaves() {
        var stream = new StatsStream();
        var joined = new ArrayList<BlockingQueue<byte[]>>();
        for (int i = 0; i < StatsStream.MAX_VIEWERS; i++) joined.add(stream.join());
        assertThat(joined).doesNotContainNull();
        assertThat(stream.join()).isNull();
        stream.leave(joined.getFirst());
        assertThat(stream.join()).isNotNull();
        assertThat(stream.viewers()).isEqualTo(StatsStream.MAX_VIEWERS);
    }

    @Test
    void closingEndsEveryStream() {
        var stream = new StatsStream();
        var a = stream.join();
        stream.close();
        assertThat(StatsStream.isEnd(a.poll())).isTrue();
        assertThat(stream.join()).isNull();
    }
}
