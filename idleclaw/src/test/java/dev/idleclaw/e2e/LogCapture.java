package dev.idleclaw.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** What the loggers of some classes log while it is open, for tests that count WARN and INFO lines. */
public final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers;

    private LogCapture(List<Logger> loggers) {
        this.loggers = loggers;
        appender.start();
        loggers.forEach(l -> l.addAppender(appender));
    }

    /** Starts capturing the loggers of {@code classes}. */
    public static LogCapture of(Class<?>... classes) {
        return new LogCapture(Stream.of(classes).map(c -> (Logger) LoggerFactory.getLogger(c)).toList());
    }

    /** The events logged so far, in order (a live list: read it after the code under test logged). */
    public List<ILoggingEvent> list() {
        return appender.list;
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.detachAppender(appender));
    }
}
