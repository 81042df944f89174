package dev.idleclaw.admission;

import dev.idleclaw.relay.Caller;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * One request on its way through {@link Admission}: its client's address, the steps it has taken, its credentials
 * once checked, the caller they admit, and what to give back when it is over. Kept in one request attribute.
 */
public final class Admitting {
    /** The request attribute this is kept under. */
    static final String ATTRIBUTE = "idleclaw.admitting";

    private final Context ctx;
    private final String client;
    private final DoorShapes shapes;
    private final Supplier<CallerAuth> callers;
    final EnumSet<Admission.Stage> taken = EnumSet.noneOf(Admission.Stage.class);
    /** A {@link Caller}, or the {@link CallerAuth.Refused} saying why the credentials were refused; null until asked. */
    private Object credentials;
    private Caller caller = Caller.ANONYMOUS;
    private final List<Runnable> atEnd = new ArrayList<>(1);

    Admitting(Context ctx, String client, DoorShapes shapes, Supplier<CallerAuth> callers) {
        this.ctx = ctx;
        this.client = client;
        this.shapes = shapes;
        this.callers = callers;
    }

    public Context ctx() {
        return ctx;
    }

    /** The client's address (behind a trusted proxy, the one it forwarded for). */
    public String client() {
        return client;
    }

    /**
     * The request's credentials, checked once (a signature's nonce can be claimed only once): a {@link Caller}, or
     * the {@link CallerAuth.Refused} that says why they were refused.
     */
    public Object credentials() {
        if (credentials == null) {
            try {
                credentials = callers.get().resolve(ctx, ctx.bodyAsBytes());
            } catch (CallerAuth.Refused e) {
                credentials = e;
            }
        }
        return credentials;
    }

    public Caller caller() {
        return caller;
    }

    public void admit(Caller caller) {
        this.caller = caller;
    }

    /** Answers {@code status} with {@code message} in the error shape of the door that handles the request. */
    public void refuse(int status, String message) {
        shapes.of(ctx).write(ctx, status, message);
    }

    /** Runs {@code release} when the door is done with the request (at the latest). */
    void atEnd(Runnable release) {
        atEnd.add(release);
    }

    void end() {
        atEnd.forEach(Runnable::run);
        atEnd.clear();
    }
}
