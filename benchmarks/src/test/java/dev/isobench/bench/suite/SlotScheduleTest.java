package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the syscall suite sizes the slots in which the targets' probes take turns, and how it widens them. */
class SlotScheduleTest {
    private static final Map<String, Double> BATCHES = new LinkedHashMap<>(Map.of("getpid", 1_000_000.0, "fork", 10_000_000.0));

    @Test
    void aSlotHoldsTheSlowestMedianBatchWithRoomAndTheLeadHoldsEveryStart() {
        SlotSchedule s = SlotSchedule.calibrate(BATCHES, 700_000_000L);
        assertEquals(1_400_000 + 300_000, s.slotNanos().get("getpid"));
        assertEquals(14_000_000 + 300_000, s.slotNanos().get("fork"));
        assertEquals(900_000_000L, s.leadNanos());
        // 3 targets: each op has an untimed round and 2 timed ones of 3 slots
        assertEquals(3L * 3 * 1_700_000 + 3L * 3 * 14_300_000, s.measuringNanos(3, List.of("getpid", "fork"), op -> 2));
    }

    @Test
    void theCommandGivesEveryProbeTheSameScheduleAndItsOwnPlace() {
        SlotSchedule s = SlotSchedule.calibrate(BATCHES, 0);
        List<String> args = s.command(123, 4, 2, List.of("getpid", "fork"), op -> op.equals("getpid") ? 20 : 5, op -> 1000);
        assertEquals(List.of("bench-slots", "123", "4", "2", "getpid", "20", "1000", "1700000", "fork", "5", "1000", "14300000"), args);
        assertThrows(IllegalArgumentException.class, () -> s.command(0, 1, 0, List.of("stat"), op -> 1, op -> 1));
    }

    @Test
    void onlyAnOpThatLostMoreThanATenthGrowsAndNoFurtherThanTwice() {
        SlotSchedule s = SlotSchedule.calibrate(BATCHES, 0);
        // 50 batches of each op in the turn: 5 late is a tenth (kept), 6 is more (widened)
        SlotSchedule once = s.widened(Map.of("getpid", 5, "fork", 6), op -> 50, "getpid");
        assertEquals(1_700_000, once.slotNanos().get("getpid"));
        assertEquals((long) (14_300_000 * 1.5), once.slotNanos().get("fork"));
        assertEquals(s.leadNanos(), once.leadNanos(), "the first op kept its batches: every probe started in time");
        SlotSchedule more = once;
        for (int i = 0; i < 5; i++) more = more.widened(Map.of("fork", 50), op -> 50, "getpid");
        assertEquals((long) (14_300_000 * 2.25), more.slotNanos().get("fork"), "a long tail stops growing the slot");
    }

    @Test
    void aFirstOpThatLostItsBatchesLengthensTheLead() {
        SlotSchedule s = SlotSchedule.calibrate(BATCHES, 100_000_000L);
        SlotSchedule late = s.widened(Map.of("getpid", 30), op -> 50, "getpid");
        assertEquals((long) (s.leadNanos() * 1.5), late.leadNanos());
    }
}
