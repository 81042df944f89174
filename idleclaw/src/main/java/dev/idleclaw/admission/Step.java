package dev.idleclaw.admission;

/** One step of {@link Admission}: lets a request go on, or writes its answer (a refusal, a preflight's) and stops it. */
@FunctionalInterface
public interface Step {
    /** True to go on to the next step; false once this step has written the request's answer. */
    boolean pass(Admitting request) throws Exception;
}
