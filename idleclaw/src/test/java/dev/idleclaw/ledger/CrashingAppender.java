package dev.idleclaw.ledger;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.Receipt;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.FileOutputStream;
import java.io.FileDescriptor;

/**
 * A child process for the durability test: appends receipts to the ledger named by {@code args[0]} from
 * {@link #THREADS} threads as fast as it can, printing {@code ACK <nonce>} only after each append has returned,
 * until it is killed.
 */
public final class CrashingAppender {
    /** Two writers, so the kill can land while appends queue for the lock as well as inside one. */
    static final int THREADS = 2;

    private CrashingAppender() {}

    public static void main(String[] args) throws InterruptedException {
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        Identity worker = Identity.generate();
        String requester = Identity.generate().publicKey();
        Ledger ledger = Ledgers.open(args[0], 10_000);
        out.println("READY");
        out.flush();
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            boolean anonymous = i % 2 == 1;
            threads[i] = Thread.ofPlatform().start(() -> {
                for (long n = 1; ; n++) {
                    var receipt = Receipts.signed(worker, anonymous ? Receipt.ANONYMOUS : requester, n % 50, n % 70);
                    if (ledger.append(receipt) != Ledger.Append.ACCEPTED) throw new IllegalStateException("duplicate");
                    synchronized (out) {
                        out.println("ACK " + receipt.receipt().nonce());
                        out.flush();
                    }
                }
            });
        }
        for (Thread t : threads) t.join();
    }
}
