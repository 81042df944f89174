package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietLogTest {
    @Test
    void writesOneLinePerIntervalAndCountsTheOnesHeldBack() throws Exception {
        var logger = (Logger) LoggerFactory.getLogger("quiet-log-test");
        var seen = new ListAppender<ILoggingEvent>();
        seen.start();
        logger.addAppender(seen);
        var quiet = new QuietLog(logger, Duration.ofMillis(200));

        for (int i = 0; i < 5; i++) quiet.warn("bad thing from {}", "10.0.0." + i);
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("bad thing from 10.0.0.0");

        Thread.sleep(250);
        quiet.warn("bad thing from {}", "10.0.0.9");
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("bad thing from 10.0.0.0", "bad thing from 10.0.0.9 (4 more like it since the last such line)");
        logger.detachAppender(seen);
    }
}
