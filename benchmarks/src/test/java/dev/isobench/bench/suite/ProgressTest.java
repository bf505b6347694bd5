package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final Pattern LEFT = Pattern.compile("\\((\\d+)s left\\)");

    @Test
    void theTimeLeftNeverRisesAndTheLastLineSaysTheRunIsDone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(out), false);
        long now = System.nanoTime();
        p.budget(Budget.until(now + 300_000_000_000L));
        p.step("startup", "turns");
        p.budget(Budget.until(now + 400_000_000_000L)); // the untimed explain passes moved the deadline later
        p.step("syscall", "turns");
        p.budget(Budget.until(now + 100_000_000_000L)); // and a shorter one counts down at once
        p.step("syscall", "jmh");
        p.finish();
        List<String> lines = out.toString().lines().toList();
        List<Long> left = lines.stream().map(LEFT::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(4, left.size(), out.toString());
        for (int i = 1; i < left.size(); i++) assertTrue(left.get(i) <= left.get(i - 1), "never rises: " + left);
        assertTrue(left.get(2) <= 100, "a deadline brought nearer shows at once: " + left);
        assertTrue(lines.get(lines.size() - 1).endsWith("done (0s left)"), lines.get(lines.size() - 1));
    }
}
