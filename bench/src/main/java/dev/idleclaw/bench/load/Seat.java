package dev.idleclaw.bench.load;

/** What a consumer asks the run before each request and tells it after: the same for every client kind. */
interface Seat {
    /** Whether to send another request now (false: stop for good). */
    boolean mayStart();

    /** The answer to the request just made. */
    void finished(Outcome outcome);

    /** The consumer stopped. */
    void stopped();
}
