package dev.isobench.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * When each target's probe takes its batches in a syscall turn ({@code probe bench-slots}): the probes of all
 * targets start together and take turns batch by batch on one clock, so the machine's drift during the turn
 * lands on every target alike. The clock is CLOCK_MONOTONIC, which the JVM's {@link System#nanoTime} reads on
 * Linux and which every container shares (no engine here makes a time namespace).
 *
 * @param leadNanos from launching the probes to the first slot: every target must have started by then
 * @param slotNanos per op, the length of one batch's slot
 * @param widestNanos per op, the longest its slot may grow
 */
record SlotSchedule(long leadNanos, Map<String, Long> slotNanos, Map<String, Long> widestNanos) {
    /**
     * Room a slot leaves over the slowest target's median batch, for wake-up latency and slower batches. A batch
     * that does not fit runs into the next slot, and the suite drops both batches ({@link BenchOutput#withoutOverlaps});
     * batches have a long tail (fork's p99 is about three times its median), and slots that held every batch would
     * make the suite several times longer.
     */
    static final double SLOT_FACTOR = 1.4;
    static final long SLOT_MARGIN_NANOS = 300_000;
    /** The probes start at once on few CPUs: the lead covers their start costs as if one after another. */
    static final long LEAD_MARGIN_NANOS = 200_000_000;
    /**
     * An op's slot grows by WIDEN after a turn in which more than LATE_SHARE of its batches were dropped, at most
     * twice: fork's tail would otherwise keep growing its slot turn after turn (to 3.4x in six turns here).
     */
    static final double WIDEN = 1.5;
    static final double LATE_SHARE = 0.1;
    static final double WIDEST = WIDEN * WIDEN;

    SlotSchedule {
        slotNanos = Map.copyOf(slotNanos);
        widestNanos = Map.copyOf(widestNanos);
    }

    /**
     * Sized from a turn of plain {@code probe bench} runs, one target after the other.
     *
     * @param batchNanos per op, the median batch of the target slowest at it
     * @param startCostsNanos the targets' start costs together: each run's time less its batches
     */
    static SlotSchedule calibrate(Map<String, Double> batchNanos, long startCostsNanos) {
        Map<String, Long> slots = new LinkedHashMap<>();
        Map<String, Long> widest = new LinkedHashMap<>();
        batchNanos.forEach((op, ns) -> {
            long slot = (long) (ns * SLOT_FACTOR) + SLOT_MARGIN_NANOS;
            slots.put(op, slot);
            widest.put(op, (long) (slot * WIDEST));
        });
        return new SlotSchedule(startCostsNanos + LEAD_MARGIN_NANOS, slots, widest);
    }

    /**
     * The probe's arguments for the target that takes slot {@code index} of {@code targets} in round 0.
     *
     * @param t0 System.nanoTime() of the first slot
     */
    List<String> command(long t0, int targets, int index, List<String> ops, ToIntFunction<String> batches, ToIntFunction<String> iters) {
        List<String> args = new ArrayList<>(List.of("bench-slots", Long.toString(t0), Integer.toString(targets), Integer.toString(index)));
        for (String op : ops) {
            args.addAll(List.of(op, Integer.toString(batches.applyAsInt(op)), Integer.toString(iters.applyAsInt(op)), Long.toString(slot(op))));
        }
        return args;
    }

    /** From the first slot to the end of the last: each op has an untimed round and BATCHES timed ones. */
    long measuringNanos(int targets, List<String> ops, ToIntFunction<String> batches) {
        long total = 0;
        for (String op : ops) total += (batches.applyAsInt(op) + 1L) * targets * slot(op);
        return total;
    }

    /**
     * Wider slots for the ops that lost more than {@link #LATE_SHARE} of their batches in a turn, and a longer lead
     * when the first op did (a probe that starts late misses its first slots).
     *
     * @param late per op, the batches dropped over all targets
     * @param batches per op, the batches all targets took together
     */
    SlotSchedule widened(Map<String, Integer> late, ToIntFunction<String> batches, String firstOp) {
        Map<String, Long> slots = new LinkedHashMap<>(slotNanos);
        late.forEach((op, n) -> {
            if (n > LATE_SHARE * batches.applyAsInt(op)) slots.computeIfPresent(op, (o, ns) -> Math.min((long) (ns * WIDEN), widestNanos.get(o)));
        });
        boolean lateStart = late.getOrDefault(firstOp, 0) > LATE_SHARE * batches.applyAsInt(firstOp);
        return new SlotSchedule(lateStart ? (long) (leadNanos * WIDEN) : leadNanos, slots, widestNanos);
    }

    private long slot(String op) {
        Long ns = slotNanos.get(op);
        if (ns == null) throw new IllegalArgumentException("no slot was sized for op " + op);
        return ns;
    }
}
