package dev.isobench.engine.plan;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one framing shared with isobench-init: u32 op | u32 length | NUL-terminated strings, host byte order
 * (both ends run on the same machine).
 */
public final class Frames {
    public static final int FRAME_MAX = 4096;
    /** Where the monitor reads its plan and writes its status frames (protocol.h's PLAN_FD and STATUS_FD). */
    public static final int PLAN_FD = 3, STATUS_FD = 4;
    /** The stage's own exit codes, docker's: setup failed, the command is not executable, it is not found. */
    public static final int EXIT_SETUP_FAILED = 125, EXIT_NOT_EXECUTABLE = 126, EXIT_NOT_FOUND = 127;

    private Frames() {}

    public static void encode(Step step, ByteArrayOutputStream out) {
        List<String> args = step.args();
        byte[][] strings = new byte[args.size()][];
        int length = 0;
        for (int i = 0; i < strings.length; i++) {
            strings[i] = args.get(i).getBytes(StandardCharsets.UTF_8);
            length += strings[i].length + 1;
        }
        writeInt(out, step.op().code());
        writeInt(out, length);
        for (byte[] b : strings) {
            out.writeBytes(b);
            out.write(0);
        }
    }

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private static void writeInt(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (LITTLE_ENDIAN ? 8 * i : 24 - 8 * i));
    }

    /** Accumulates bytes from a stream and hands out whole frames as they complete. */
    public static final class Decoder {
        private ByteBuffer buf = ByteBuffer.allocate(2 * FRAME_MAX).order(ByteOrder.nativeOrder());

        public void feed(byte[] bytes, int length) {
            if (buf.remaining() < length) {
                ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2 + length).order(ByteOrder.nativeOrder());
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            buf.put(bytes, 0, length);
        }

        /** The next complete frame, or null when more bytes are needed. */
        public Step next() {
            if (buf.position() < 8) return null;
            int length = buf.getInt(4);
            if (buf.position() < 8 + length) return null;
            Op op = Op.of(buf.getInt(0));
            byte[] payload = new byte[length];
            buf.get(8, payload);
            buf.flip().position(8 + length);
            buf.compact();
            return new Step(op, split(payload));
        }

        private static List<String> split(byte[] payload) {
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < payload.length; i++) {
                if (payload[i] == 0) {
                    args.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        }
    }
}
