package dev.idleclaw.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.ollama.ConnectionPool.Connection;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle-connection pool's bounds: how many it keeps, for how long, and what happens after it is closed. */
class ConnectionPoolTest {
    private static Connection connection() {
        return new Connection(new Socket(), new BufferedInputStream(new ByteArrayInputStream(new byte[0])), OutputStream.nullOutputStream());
    }

    @Test
    void keepsAtMostItsBoundAndClosesTheOldestWhenFull() {
        var pool = new ConnectionPool(2, Duration.ofMinutes(1));
        Connection a = connection(), b = connection(), c = connection();
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertThat(a.socket().isClosed()).isTrue();
        assertThat(pool.take()).isSameAs(c);
        assertThat(pool.take()).isSameAs(b);
        assertThat(pool.take()).isNull();
        assertThat(b.socket().isClosed() || c.socket().isClosed()).isFalse();
    }

    @Test
    void aConnectionIdleLongerThanTheIdleTimeIsClosedInsteadOfHandedOut() throws Exception {
        var pool = new ConnectionPool(10, Duration.ofMillis(50));
        Connection old = connection();
        pool.give(old);
        Thread.sleep(120);
        Connection fresh = connection();
        pool.give(fresh);
        assertThat(old.socket().isClosed()).isTrue();
        assertThat(pool.take()).isSameAs(fresh);
        assertThat(pool.take()).isNull();
    }

    @Test
    void aClosedPoolClosesItsIdleConnectionsAndEveryOneReturnedLater() {
        var pool = new ConnectionPool();
        Connection idle = connection(), late = connection();
        pool.give(idle);
        pool.close();
        pool.give(late);
        assertThat(idle.socket().isClosed()).isTrue();
        assertThat(late.socket().isClosed()).isTrue();
        assertThat(pool.take()).isNull();
    }

    @Test
    void clearClosesEveryIdleConnectionButThePoolStaysUsable() {
        var pool = new ConnectionPool();
        Connection a = connection(), b = connection();
        pool.give(a);
        pool.clear();
        pool.give(b);
        assertThat(a.socket().isClosed()).isTrue();
        assertThat(pool.take()).isSameAs(b);
    }
}
