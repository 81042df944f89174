package dev.idleclaw.registry;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Picks a node for each request: exact model match, a free slot, not suspended (docs/trust.md); best
 * {@code 0.5·free share + 0.3·reputation + 0.2} wins, ties at random (idleclaw-wire.md §8). Nodes on probation get
 * at most the probation share of a model's requests while a non-probation node has a free slot for them, and every
 * request when none has. When every suitable node is busy the request waits in a bounded FIFO queue until a slot
 * frees or its deadline passes. Invariants: a free slot never coexists with a waiter that could use it, so
 * newcomers never overtake waiters; and one lock, this scheduler's, guards every link's load, every
 * {@link Standing} and the probation share, so a standing never changes between a check and the pick that relies on
 * it. Nothing else is locked while it is held but the registry's directory (never the other way round), and the
 * {@link StandingListener} is called only after it is released.
 */
public final class Scheduler {
    public static final double INITIAL_REPUTATION = 0.5;
    /** Reputation lost per failed or timed-out request (upstream). */
    public static final double FAILURE_PENALTY = 0.05;
    /** Scores closer than this are a tie. */
    private static final double TIE = 1e-9;

    /** Why no node was given. */
    public enum Refusal { NO_MODEL, BUSY, SHUTTING_DOWN }

    /** Thrown when no slot can be had. {@code retryAfterSeconds} is a hint for 503 answers. */
    public static final class NoNode extends Exception {
        public final Refusal refusal;
        public final long retryAfterSeconds;

        NoNode(Refusal refusal, long retryAfterSeconds) {
            super(refusal.name(), null, false, false);
            this.refusal = refusal;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private record Waiter(String model, Predicate<NodeLink> eligible, Set<NodeLink> exclude, CompletableFuture<NodeLink> slot) {}

    /** Every node serving the model may take the request (a chat). */
    private static final Predicate<NodeLink> ANY = l -> true;

    private final NodeRegistry registry;
    private final Standings standings;
    private final ProbationShare share;
    private volatile StandingListener listener = StandingListener.NONE;
    /** The other hubs of the cluster, chosen only when no node of this hub can take a request; null without a cluster. */
    private volatile MemberLinks members;
    private final int queueCapacity;
    private final ReentrantLock lock;
    /** Waiting callers with available credit: served before anyone in {@link #waiters}. */
    private final ArrayDeque<Waiter> credited = new ArrayDeque<>();
    /** Waiting anonymous callers (and keys without credit left), the free tier. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean closed;

    public Scheduler(NodeRegistry registry, int queueCapacity) {
        this.registry = registry;
        this.standings = registry.standings();
        this.lock = standings.lock();
        this.share = new ProbationShare(standings.trust().probationShare());
        this.queueCapacity = queueCapacity;
        registry.onChange(this::dispatch);
    }

    /** Who hears what becomes of held credits (the hub connects the ledger); set once at startup. */
    public void listen(StandingListener listener) {
        this.listener = listener;
    }

    /**
     * Makes the cluster's other members backends of last resort ({@link #pick}); set once at startup. Their
     * failures cost them nothing here: their nodes are judged by their own hub.
     */
    public void members(MemberLinks links) {
        links.attach(this::dispatch, this::leases);
        this.members = links;
    }

    /** A slot on a node for {@code model}, waiting up to {@code maxWaitNanos} when all suitable nodes are busy. */
    public Lease acquire(String model, Set<NodeLink> exclude, long maxWaitNanos) throws NoNode, InterruptedException {
        return acquire(model, exclude, maxWaitNanos, false, position -> {});
    }

    /**
     * As {@link #acquire(String, Set, long)}; a {@code credited} caller waits ahead of every anonymous one (FIFO
     * within each class). {@code queued} hears the 1-based queue position if the request has to wait.
     */
    public Lease acquire(String model, Set<NodeLink> exclude, long maxWaitNanos, boolean credited, IntConsumer queued)
            throws NoNode, InterruptedException {
        return acquire(model, ANY, exclude, maxWaitNanos, credited, queued);
    }

    /**
     * As {@link #acquire(String, Set, long, boolean, IntConsumer)}, among only the nodes {@code eligible} accepts (e.g.
     * those that advertise embeddings); {@link Refusal#NO_MODEL} when no such node serves the model.
     */
    public Lease acquire(String model, Predicate<NodeLink> eligible, Set<NodeLink> exclude, long maxWaitNanos,
                         boolean credited, IntConsumer queued) throws NoNode, InterruptedException {
        return new Lease(this, slot(model, eligible, exclude, maxWaitNanos, credited, queued));
    }

    private NodeLink slot(String model, Predicate<NodeLink> eligible, Set<NodeLink> exclude, long maxWaitNanos,
                          boolean credited, IntConsumer queued) throws NoNode, InterruptedException {
        Waiter w;
        int position;
        lock.lock();
        try {
            if (closed) throw new NoNode(Refusal.SHUTTING_DOWN, 5);
            List<NodeLink> nodes = serving(model, eligible);
            if (!anyUsable(nodes, exclude)) throw new NoNode(Refusal.NO_MODEL, 0);
            NodeLink best = pick(model, nodes, exclude);
            if (best != null) {
                best.active++;
                return best;
            }
            if (maxWaitNanos <= 0 || waitingLocked() >= queueCapacity) throw new NoNode(Refusal.BUSY, retryAfter(maxWaitNanos));
            w = new Waiter(model, eligible, Set.copyOf(exclude), new CompletableFuture<>());
            (credited ? this.credited : waiters).addLast(w);
            position = credited ? this.credited.size() : this.credited.size() + waiters.size();
        } finally {
            lock.unlock();
        }
        queued.accept(position);
        try {
            return w.slot.get(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            lock.lock();
            try {
                waiters.remove(w);
                this.credited.remove(w);
                if (!w.slot.isDone()) {
                    w.slot.cancel(false);
                    if (e instanceof InterruptedException ie) throw ie;
                    throw new NoNode(Refusal.BUSY, retryAfter(maxWaitNanos));
                }
            } finally {
                lock.unlock();
            }
            try {
                return w.slot.join(); // completed just as the wait ended
            } catch (java.util.concurrent.CompletionException ce) {
                if (ce.getCause() instanceof NoNode gone) throw gone;
                throw new NoNode(Refusal.SHUTTING_DOWN, 5);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NoNode gone) throw gone;
            throw new NoNode(Refusal.SHUTTING_DOWN, 5);
        }
    }

    /** A slot on exactly {@code link} if it has one free right now, else null (probes never wait or queue). */
    public Lease tryAcquire(NodeLink link) {
        lock.lock();
        try {
            var reg = link.registration();
            if (closed || reg == null || link.isClosed() || link.active >= reg.maxConcurrent()) return null;
            link.active++;
            return new Lease(this, link);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a slot back ({@link Lease#release}); {@code failed} lowers the node's reputation (never a cluster member's:
     * a failed member is only failed over).
     */
    void release(NodeLink link, boolean failed) {
        List<Standings.Outcome> out;
        boolean idle;
        lock.lock();
        try {
            idle = --link.active == 0;
            if (failed && !link.backend().clusterMember()) standings.adjust(link.standing(), -FAILURE_PENALTY, "failed_request");
            out = standings.drain();
        } finally {
            lock.unlock();
        }
        tell(out);
        MemberLinks m = members;
        if (idle && m != null && link.backend().clusterMember()) m.idle(link); // a retiring member link closes with its last lease
        dispatch();
    }

    /** The leases held on {@code link} now. */
    private int leases(NodeLink link) {
        lock.lock();
        try {
            return link.active;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes a node's reputation by {@code delta}, clamped to [0, 1] (an authenticated key keeps it across its
     * connections). Falling below {@code --suspend-below} suspends the node and forfeits its held credits.
     */
    public void adjustReputation(NodeLink link, double delta) {
        adjustReputation(link, delta, "adjusted");
    }

    /** As {@link #adjustReputation(NodeLink, double)}; {@code reason} names the change in the reputation history. */
    public void adjustReputation(NodeLink link, double delta, String reason) {
        if (link.backend().clusterMember()) return; // its nodes are its own hub's to judge
        judge(link.standing(), s -> standings.adjust(s, delta, reason));
    }

    /**
     * One verification result ({@code check}: "probe", "canary", "fingerprint", "rerun"): the reputation moves by
     * {@code reputationDelta}, and a pass counts toward leaving probation (docs/trust.md).
     */
    public void verified(NodeLink link, boolean passed, double reputationDelta, String check) {
        judge(link.standing(), s -> standings.verified(s, passed, reputationDelta, check));
    }

    /** A consumer answer {@code link} relayed raised no suspicion flag: it counts toward leaving probation. */
    public void answeredClean(NodeLink link) {
        judge(link.standing(), standings::answeredClean);
    }

    /** Whether {@code link}'s key has not earned trust yet (suspended or not): its credits are held. */
    public boolean onProbation(NodeLink link) {
        return locked(() -> link.standing().untrusted());
    }

    /** Whether {@code link} gets no consumer traffic now (operator- or auto-suspended). */
    public boolean suspended(NodeLink link) {
        return locked(() -> standings.state(link.standing()).suspended());
    }

    /** {@code link}'s standing as the operator sees it. */
    public Standing.View standing(NodeLink link) {
        return locked(() -> standings.view(link.standing()));
    }

    /** The remembered standing of {@code pubkey}, or null when the hub has never seen the key. */
    public Standing.View standing(String pubkey) {
        Standing s = standings.knownOrStored(pubkey);
        return s == null ? null : locked(() -> standings.view(s));
    }

    /** Every remembered key's standing, by key. */
    public List<Standing.View> standings() {
        List<Standing> all = standings.all();
        return locked(() -> all.stream().map(standings::view).toList());
    }

    /** Applies an operator's {@code action} to {@code pubkey} (remembered from now on if it was not); its new standing. */
    public Standing.View operator(String pubkey, Standing.Action action) {
        Standing s = standings.refresh(pubkey);
        judge(s, x -> standings.apply(x, action));
        return locked(() -> standings.view(s));
    }

    /**
     * Called after a receipt of {@code link} was recorded as held: if the key left probation or was caught since the
     * hold was decided, its held credits are released or forfeited now.
     */
    public void settleHolds(NodeLink link) {
        judge(link.standing(), standings::settle);
    }

    /** Runs {@code change} on {@code s} under the lock, then tells the listener and hands freed capacity to waiters. */
    private void judge(Standing s, java.util.function.Consumer<Standing> change) {
        List<Standings.Outcome> out;
        lock.lock();
        try {
            change.accept(s);
            out = standings.drain();
        } finally {
            lock.unlock();
        }
        tell(out);
        dispatch();
    }

    private void tell(List<Standings.Outcome> outcomes) {
        var l = listener;
        for (var o : outcomes) {
            if (o.released()) l.released(o.pubkey());
            else l.forfeited(o.pubkey());
        }
    }

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands free slots to waiters: callers with credit first, then anonymous ones, oldest first in each. A waiter
     * whose model no usable node serves any more (the last one left or was suspended) is woken at once with
     * {@link Refusal#NO_MODEL} instead of waiting out its deadline; while other nodes serve it, it keeps waiting.
     */
    void dispatch() {
        lock.lock();
        try {
            dispatch(credited);
            dispatch(waiters);
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(ArrayDeque<Waiter> queue) {
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            List<NodeLink> nodes = serving(w.model, w.eligible);
            if (!anyUsable(nodes, w.exclude)) {
                it.remove();
                w.slot.completeExceptionally(new NoNode(Refusal.NO_MODEL, 0));
                continue;
            }
            NodeLink best = pick(w.model, nodes, w.exclude);
            if (best == null) continue;
            best.active++;
            it.remove();
            if (!w.slot.complete(best)) best.active--;
        }
    }

    /** Every open link that serves {@code model}, whatever its load or standing. */
    public List<NodeLink> serving(String model) {
        return registry.serving(model);
    }

    /** Whether a link of this hub or another member of its cluster serves {@code model}, whatever it can take. */
    public boolean servedAnywhere(String model) {
        return !serving(model, ANY).isEmpty();
    }

    /** This hub's links serving {@code model} that {@code eligible} accepts, then the cluster members serving it. */
    private List<NodeLink> serving(String model, Predicate<NodeLink> eligible) {
        List<NodeLink> all = registry.serving(model);
        MemberLinks m = members;
        List<NodeLink> others = m == null ? List.of() : m.serving(model);
        if (!others.isEmpty()) {
            var both = new java.util.ArrayList<NodeLink>(all.size() + others.size());
            both.addAll(all);
            both.addAll(others);
            all = both;
        }
        return eligible == ANY ? all : all.stream().filter(eligible).toList();
    }

    /** Whether a node in {@code nodes} could ever take the request: not excluded, not suspended, still open. */
    private boolean anyUsable(List<NodeLink> nodes, Set<NodeLink> exclude) {
        return nodes.stream().anyMatch(l -> !exclude.contains(l) && !suspendedLocked(l) && !l.isClosed());
    }

    private boolean suspendedLocked(NodeLink l) {
        return standings.state(l.standing()).suspended();
    }

    private int waitingLocked() {
        return credited.size() + waiters.size();
    }

    /** Refuses new requests and wakes every waiter with a refusal. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            waiters.forEach(w -> w.slot.completeExceptionally(new IllegalStateException("shutting down")));
            credited.forEach(w -> w.slot.completeExceptionally(new IllegalStateException("shutting down")));
            waiters.clear();
            credited.clear();
        } finally {
            lock.unlock();
        }
    }

    public int waiting() {
        lock.lock();
        try {
            return waitingLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting in one class: with credit ({@code true}) or anonymous. */
    public int waiting(boolean withCredit) {
        lock.lock();
        try {
            return withCredit ? credited.size() : waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@code link} would be given a request now or once a slot frees: registered, open, available and not
     * suspended. Listings ({@code /health}, {@code /api/models}, {@code /api/tags}, {@code /v1/models}) count only these.
     */
    public boolean routable(NodeLink link) {
        lock.lock();
        try {
            return link.registration() != null && link.available() && !suspendedLocked(link);
        } finally {
            lock.unlock();
        }
    }

    public double reputation(NodeLink link) {
        return locked(() -> link.standing().reputation);
    }

    /**
     * The best free node for a consumer request of {@code model}, or null: one of this hub's own if any is free, else
     * a cluster member. When the best is on probation while a non-probation node is free too (a contested request),
     * the probation node gets it only within its share.
     */
    private NodeLink pick(String model, List<NodeLink> nodes, Set<NodeLink> exclude) {
        if (nodes.isEmpty() || !nodes.getLast().backend().clusterMember()) return pickAmong(model, nodes, exclude);
        // Members come last in the list (serving); one only when none of this hub's own backends can take it now.
        int own = 0;
        while (!nodes.get(own).backend().clusterMember()) own++;
        NodeLink local = own == 0 ? null : pickAmong(model, nodes.subList(0, own), exclude);
        return local != null ? local : pickAmong(model, nodes.subList(own, nodes.size()), exclude);
    }

    /** {@link #pick} among {@code nodes} alike. */
    private NodeLink pickAmong(String model, List<NodeLink> nodes, Set<NodeLink> exclude) {
        NodeLink best = best(nodes, exclude, false);
        if (best == null) return null;
        NodeLink trusted = best.standing().untrusted() ? best(nodes, exclude, true) : best;
        if (trusted == null) return best; // only probation nodes are free: they serve
        boolean toProbation = best != trusted && share.allows(model);
        share.record(model, toProbation);
        return toProbation ? best : trusted;
    }

    /** The highest-scoring free, unsuspended node (among trusted ones only when {@code trustedOnly}), ties at random. */
    private NodeLink best(List<NodeLink> nodes, Set<NodeLink> exclude, boolean trustedOnly) {
        NodeLink best = null;
        double bestScore = -1;
        int ties = 0;
        for (NodeLink l : nodes) {
            var reg = l.registration();
            if (reg == null || exclude.contains(l) || !l.available() || l.active >= reg.maxConcurrent()) continue;
            Standing s = l.standing();
            if (standings.state(s).suspended() || (trustedOnly && s.untrusted())) continue;
            double score = 0.5 * (1.0 - (double) l.active / reg.maxConcurrent()) + 0.3 * s.reputation + 0.2;
            if (score > bestScore + TIE) {
                best = l;
                bestScore = score;
                ties = 1;
            } else if (Math.abs(score - bestScore) <= TIE && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = l;
            }
        }
        return best;
    }

    private static long retryAfter(long waitedNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitedNanos));
    }
}
