package dev.idleclaw.bench.fleet;

import java.nio.ByteBuffer;

/**
 * The few WebSocket (RFC 6455) frame operations a client needs: masked frames out, unmasked frames in.
 * Frames are written straight into the connection's output buffer, the payload masked as it is copied.
 */
final class WsCodec {
    static final int TEXT = 0x1, CLOSE = 0x8, PING = 0x9, PONG = 0xA, CONTINUATION = 0x0;
    /** Largest frame header: 2 bytes, 8 of extended length, 4 of mask. */
    static final int MAX_HEADER = 14;

    private WsCodec() {}

    /** Bytes a frame carrying {@code payload} bytes takes. */
    static int frameSize(int payload) {
        return payload + 6 + (payload > 65535 ? 8 : payload > 125 ? 2 : 0);
    }

    /** Writes one final frame of {@code opcode} whose payload is the concatenation of {@code parts}. */
    static void write(ByteBuffer out, int opcode, int maskKey, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) length += p.length;
        out.put((byte) (0x80 | opcode));
        if (length <= 125) {
            out.put((byte) (0x80 | length));
        } else if (length <= 65535) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        out.put(mask);
        int i = 0;
        for (byte[] p : parts) {
            for (byte b : p) out.put((byte) (b ^ mask[i++ & 3]));
        }
    }

    /** An incoming frame's header, or null when {@code in} (read mode) does not hold the whole frame yet. */
    record Header(boolean fin, int opcode, int headerLength, int payloadLength, byte[] mask) {
        int frameLength() {
            return headerLength + payloadLength;
        }
    }

    static Header header(ByteBuffer in) {
        int p = in.position(), n = in.remaining();
        if (n < 2) return null;
        int b0 = in.get(p) & 0xff, b1 = in.get(p + 1) & 0xff;
        int h = 2;
        long length = b1 & 0x7f;
        if (length == 126) {
            if (n < 4) return null;
            length = in.getShort(p + 2) & 0xffff;
            h = 4;
        } else if (length == 127) {
            if (n < 10) return null;
            length = in.getLong(p + 2);
            h = 10;
        }
        if (length > Integer.MAX_VALUE - MAX_HEADER) throw new IllegalStateException("frame too large: " + length);
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            if (n < h + 4) return null;
            mask = new byte[4];
            in.get(p + h, mask);
            h += 4;
        }
        return new Header((b0 & 0x80) != 0, b0 & 0x0f, h, (int) length, mask);
    }

    /** The payload of a complete frame at {@code in}'s position, unmasked; advances past the frame. */
    static byte[] payload(ByteBuffer in, Header h) {
        byte[] data = new byte[h.payloadLength()];
        in.get(in.position() + h.headerLength(), data);
        if (h.mask() != null) for (int i = 0; i < data.length; i++) data[i] ^= h.mask()[i & 3];
        in.position(in.position() + h.frameLength());
        return data;
    }
}
