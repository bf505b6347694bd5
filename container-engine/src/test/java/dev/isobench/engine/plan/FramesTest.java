package dev.isobench.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
    @Test
    void framesRoundTripEvenWhenSplitAcrossReads() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.encode(Step.of(Op.ST_PID, "1234"), out);
        Frames.encode(Step.of(Op.ST_READY), out);
        Frames.encode(Step.of(Op.ST_EXIT, "137", "9"), out);
        byte[] bytes = out.toByteArray();
        Frames.Decoder d = new Frames.Decoder();
        d.feed(bytes, 5);
        assertNull(d.next(), "a partial header is not a frame");
        d.feed(java.util.Arrays.copyOfRange(bytes, 5, bytes.length), bytes.length - 5);
        assertEquals(Step.of(Op.ST_PID, "1234"), d.next());
        assertEquals(new Step(Op.ST_READY, List.of()), d.next());
        assertEquals(Step.of(Op.ST_EXIT, "137", "9"), d.next());
        assertNull(d.next());
    }

    @Test
    void planEndsWithTheEndFrame() {
        byte[] plan = new Plan(List.of(Step.of(Op.NO_NEW_PRIVS))).encode();
        Frames.Decoder d = new Frames.Decoder();
        d.feed(plan, plan.length);
        assertEquals(Op.NO_NEW_PRIVS, d.next().op());
        assertEquals(Op.END, d.next().op());
    }

    @Test
    void nulBytesInArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Step.of(Op.ENV, "A=b\0c"));
    }
}
