package dev.idleclaw.identity;

import java.util.Locale;

/**
 * Bech32 encoding (BIP-173, the original checksum constant 1, not Bech32m), which NIP-19 uses for {@code npub1…}.
 * Encoding only: we show Nostr keys, we never parse them.
 */
final class Bech32 {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    /** BIP-173's generator coefficients for the checksum polynomial. */
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    /** The checksum is six 5-bit characters (30 bits of BCH code). */
    private static final int CHECKSUM_CHARS = 6;

    private Bech32() {}

    /** {@code hrp} + {@code 1} + {@code data} regrouped into 5-bit characters + the 6-character checksum. */
    static String encode(String hrp, byte[] data) {
        if (hrp.isEmpty() || !hrp.equals(hrp.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("hrp must be lowercase and non-empty");
        }
        int[] values = toFiveBits(data);
        int[] checksum = checksum(hrp, values);
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (int v : values) out.append(CHARSET.charAt(v));
        for (int v : checksum) out.append(CHARSET.charAt(v));
        return out.toString();
    }

    /** 8-bit groups to 5-bit groups, the last one zero-padded. */
    private static int[] toFiveBits(byte[] data) {
        int[] out = new int[(data.length * 8 + 4) / 5];
        int acc = 0;
        int bits = 0;
        int i = 0;
        for (byte b : data) {
            acc = (acc << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[i++] = (acc >> bits) & 31;
            }
        }
        if (bits > 0) out[i] = (acc << (5 - bits)) & 31;
        return out;
    }

    private static int[] checksum(String hrp, int[] values) {
        int[] input = new int[hrp.length() * 2 + 1 + values.length + CHECKSUM_CHARS];
        int i = 0;
        for (char c : hrp.toCharArray()) input[i++] = c >> 5;
        input[i++] = 0;
        for (char c : hrp.toCharArray()) input[i++] = c & 31;
        System.arraycopy(values, 0, input, i, values.length);
        int mod = polymod(input) ^ 1;
        int[] out = new int[CHECKSUM_CHARS];
        for (int k = 0; k < CHECKSUM_CHARS; k++) out[k] = (mod >> (5 * (CHECKSUM_CHARS - 1 - k))) & 31;
        return out;
    }

    private static int polymod(int[] values) {
        int chk = 1;
        for (int v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int k = 0; k < GENERATOR.length; k++) {
                if (((top >> k) & 1) != 0) chk ^= GENERATOR[k];
            }
        }
        return chk;
    }
}
