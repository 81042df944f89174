package dev.idleclaw.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks UTF-8 without decoding it, as strictly as the JDK's decoder with {@code REPORT} (RFC 3629: no overlong forms,
 * no encoded surrogates, nothing above U+10FFFF, no cut sequences), so a request body can then be parsed from its
 * bytes instead of being copied into a {@code String} first.
 */
final class Utf8 {
    /** Eight bytes at a time while they are ASCII (most of any JSON body). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    static boolean valid(byte[] b) {
        int i = 0, n = b.length;
        while (i < n) {
            if (i + Long.BYTES <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
                continue;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more, low = 0x80, high = 0xBF; // the range of the second byte
            if (c < 0xC2) return false; // a continuation byte, or the lead of an overlong 2-byte form
            if (c < 0xE0) {
                more = 1;
            } else if (c < 0xF0) {
                more = 2;
                if (c == 0xE0) low = 0xA0; // overlong 3-byte forms
                if (c == 0xED) high = 0x9F; // surrogates
            } else if (c < 0xF5) {
                more = 3;
                if (c == 0xF0) low = 0x90; // overlong 4-byte forms
                if (c == 0xF4) high = 0x8F; // above U+10FFFF
            } else {
                return false;
            }
            if (i + more >= n) return false;
            int second = b[i + 1] & 0xFF;
            if (second < low || second > high) return false;
            for (int k = 2; k <= more; k++) if ((b[i + k] & 0xC0) != 0x80) return false;
            i += more + 1;
        }
        return true;
    }

    /**
     * Whether Jackson, given these bytes, reads them as UTF-8: it guesses UTF-16 or UTF-32 from a zero byte among the
     * first four, and skips a UTF-8 byte order mark; bodies like that (or shorter than four bytes) are parsed as text.
     */
    static boolean plainStart(byte[] b) {
        if (b.length < 4 || b[0] == 0 || b[1] == 0 || b[2] == 0 || b[3] == 0) return false;
        return !((b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF);
    }
}
