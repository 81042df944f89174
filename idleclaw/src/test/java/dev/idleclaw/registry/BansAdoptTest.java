package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A cluster hub's copy of the shared ban list: it becomes exactly the list read, less what has ended. */
class BansAdoptTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Bans bans = new Bans(now::get);

    @Test
    void adoptingTheSharedListReplacesTheBansInForceAndSkipsEndedOnes() {
        bans.ban(Bans.Kind.ADDRESS, "203.0.113.1", Duration.ofMinutes(1));

        bans.adopt(List.of(new Bans.Ban("a1", Bans.Kind.ADDRESS, "203.0.113.2", now.get() + 60_000),
                new Bans.Ban("a2", Bans.Kind.KEY, "lob1k", now.get() - 1)));

        assertThat(bans.banned(null, "203.0.113.1")).as("lifted elsewhere: gone").isFalse();
        assertThat(bans.banned(null, "203.0.113.2")).isTrue();
        assertThat(bans.banned("lob1k", null)).as("already over").isFalse();
        assertThat(bans.list()).extracting(Bans.Ban::id).containsExactly("a1");
        assertThat(bans.lift("a1")).isNotNull();
    }
}
