package dev.idleclaw.bench.load;

/** How one consumer sends a streamed chat and reads the answer. */
interface Exchange extends AutoCloseable {
    /** One streamed request, timed from just before sending; never throws. */
    Outcome once();

    @Override
    void close();
}
