package dev.isobench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where one target's extra time per operation goes, against a baseline: both profiles' folded stacks divided by the
 * operations each profile covered, merged into one call tree, and cut into rows that each hold a part of the
 * difference. A row is the deepest frame that holds at least a threshold of the difference while none of its callees
 * does (setup_net, not the clone above it, nor each of the allocations below it); what a frame's small callees add
 * up to is a row of its own when it reaches the threshold, so the rows account for most of the difference.
 */
public final class Differential {
    /** The thresholds tried, largest first: the first whose rows account for {@link #ENOUGH} is taken. */
    private static final double[] THRESHOLDS = {0.10, 0.05, 0.025, 0.01, 0.005, 0.0025};
    static final double ENOUGH = 0.8;
    /** A difference under this share of the baseline is within what two profiles of the same work differ by. */
    static final double NOTABLE = 0.05;
    private static final int MAX_ROWS = 60;
    private static final int SYSCALL_ROWS = 10;
    /** The root of the merged tree; a row of it holds what is spread over frames each under the threshold. */
    public static final String ROOT = "all";

    /**
     * One target's profile, per operation.
     *
     * @param folded stack to samples, process name first
     * @param ops operations the stacks were recorded over
     * @param periodNanos CPU time per sample
     * @param syscalls system call to calls, over {@code syscallOps} operations
     * @param timedNanos the timed median of one operation (wall clock), or NaN where the run had none
     */
    public record Profile(String label, Map<String, Long> folded, long ops, long periodNanos, Map<String, Long> syscalls, long syscallOps,
                          double timedNanos) {
        double perOp(long samples) {
            return (double) samples * periodNanos / ops;
        }

        double cpuNanos() {
            return perOp(folded.values().stream().mapToLong(Long::longValue).sum());
        }

        double callsPerOp(String name) {
            return syscallOps == 0 ? 0 : (double) syscalls.getOrDefault(name, 0L) / syscallOps;
        }
    }

    /** A part of the difference: a frame, the chain of callers that leads to it (shortened), and its extra nanoseconds per operation. */
    public record Row(String frame, String chain, double extraNanos, boolean restOfFrame) {}

    /** A system call made more (or less) often per operation by the target. */
    public record Syscall(String name, double target, double baseline) {
        public double extra() {
            return target - baseline;
        }
    }

    /** The comparison: the CPU profiles' totals, the timed medians, the rows and the share of the CPU difference they hold. */
    public record Result(Profile target, Profile baseline, List<Row> rows, double coverage, List<Syscall> syscalls, Node tree) {
        public double extraCpuNanos() {
            return target.cpuNanos() - baseline.cpuNanos();
        }

        public double extraSyscalls() {
            return syscalls.stream().mapToDouble(Syscall::extra).sum();
        }
    }

    /** A frame on one call path, with each side's time per operation there (itself and its callees). */
    public static final class Node {
        final String name;
        final List<String> path;
        final Map<String, Node> children = new LinkedHashMap<>();
        double target;
        double baseline;

        Node(String name, List<String> path) {
            this.name = name;
            this.path = path;
        }

        double delta() {
            return target - baseline;
        }

        Node child(String frame) {
            return children.computeIfAbsent(frame, f -> {
                List<String> p = new ArrayList<>(path);
                p.add(f);
                return new Node(f, List.copyOf(p));
            });
        }
    }

    private Differential() {}

    public static Result of(Profile target, Profile baseline) {
        Node root = new Node(ROOT, List.of());
        add(root, target, true);
        add(root, baseline, false);
        double total = root.delta();
        List<Row> rows = List.of();
        double coverage = 0;
        if (total > 0) {
            for (double t : THRESHOLDS) { // the largest rows first, as few as hold ENOUGH of the difference
                List<Row> r = merged(cut(root, t * total, new ArrayList<>()));
                r.sort(Comparator.comparingDouble(Row::extraNanos).reversed());
                List<Row> taken = new ArrayList<>();
                double held = 0;
                for (Row x : r) {
                    if (held >= ENOUGH * total || taken.size() == MAX_ROWS) break;
                    taken.add(x);
                    if (!x.frame().equals(ROOT)) held += x.extraNanos();
                }
                rows = taken;
                coverage = held / total;
                if (coverage >= ENOUGH) break;
            }
        }
        return new Result(target, baseline, List.copyOf(rows), coverage, syscalls(target, baseline), root);
    }

    private static void add(Node root, Profile p, boolean isTarget) {
        for (Map.Entry<String, Long> e : p.folded().entrySet()) {
            double v = p.perOp(e.getValue());
            Node n = root;
            if (isTarget) n.target += v;
            else n.baseline += v;
            for (String frame : e.getKey().split(";")) {
                n = n.child(frame);
                if (isTarget) n.target += v;
                else n.baseline += v;
            }
        }
    }

    /** The rows under a node: each callee holding at least the threshold, cut in turn, then what the rest of the node holds. */
    private static List<Row> cut(Node n, double threshold, List<Row> out) {
        double covered = 0;
        boolean split = false;
        for (Node c : n.children.values()) {
            if (c.delta() >= threshold) {
                cut(c, threshold, out);
                covered += c.delta();
                split = true;
            }
        }
        double rest = n.delta() - covered;
        if (rest >= threshold) out.add(new Row(n.name, chain(n.path), rest, split));
        return out;
    }

    /** Rows that read the same (a frame under callers the shortened chain cannot tell apart) as one. */
    private static List<Row> merged(List<Row> rows) {
        Map<String, Row> byText = new LinkedHashMap<>();
        for (Row r : rows) {
            byText.merge(r.frame() + "\n" + r.chain() + "\n" + r.restOfFrame(), r,
                    (a, b) -> new Row(a.frame(), a.chain(), a.extraNanos() + b.extraNanos(), a.restOfFrame()));
        }
        return new ArrayList<>(byText.values());
    }

    /**
     * Whether the CPU difference stands out of the profiles' noise: at least {@link #NOTABLE} of the baseline's CPU per
     * operation, and the timed medians apart by as much (where there are some). A getpid in a container is the host's
     * getpid: its few tenths of a nanosecond are the JVM's threads beside it, not the container.
     */
    public static boolean notable(Result r) {
        double cpu = r.extraCpuNanos();
        boolean cpuNotable = cpu > NOTABLE * r.baseline().cpuNanos();
        double bt = r.baseline().timedNanos(), tt = r.target().timedNanos();
        boolean timedNotable = !Double.isFinite(bt) || !Double.isFinite(tt) || tt - bt > NOTABLE * bt;
        return cpuNotable && timedNotable;
    }

    /** The callers' chain, shortened: the process, then the three frames above the row's own. */
    static String chain(List<String> path) {
        if (path.size() <= 1) return "";
        List<String> callers = path.subList(0, path.size() - 1).stream().map(Differential::display).toList();
        if (callers.size() <= 4) return String.join(" › ", callers);
        return callers.get(0) + " › … › " + String.join(" › ", callers.subList(callers.size() - 3, callers.size()));
    }

    /** A frame as a reader sees it: without the folded format's kind suffix. */
    public static String display(String frame) {
        return frame.replaceAll("_\\[[kj]]$", "");
    }

    /** Both sides' system calls per operation, the target's extra ones first; none where a side has no count. */
    private static List<Syscall> syscalls(Profile target, Profile baseline) {
        if (target.syscallOps() == 0 || baseline.syscallOps() == 0) return List.of();
        TreeSet<String> names = new TreeSet<>(target.syscalls().keySet());
        names.addAll(baseline.syscalls().keySet());
        List<Syscall> all = new ArrayList<>();
        for (String n : names) all.add(new Syscall(n, target.callsPerOp(n), baseline.callsPerOp(n)));
        all.sort(Comparator.comparingDouble(Syscall::extra).reversed());
        return List.copyOf(all);
    }

    /**
     * The paragraph under a target's table: its timed difference, the CPU difference and the rows that hold most of it,
     * the system calls it makes more, and what of the timed difference was spent off CPU.
     */
    public static String paragraph(Result r, String unit) {
        StringBuilder s = new StringBuilder();
        String per = " per " + unit;
        s.append(r.target().label()).append(" vs ").append(r.baseline().label()).append(": ");
        boolean timed = Double.isFinite(r.target().timedNanos()) && Double.isFinite(r.baseline().timedNanos());
        if (timed) {
            s.append(signed(r.target().timedNanos() - r.baseline().timedNanos())).append(per).append(" timed (medians ")
                    .append(duration(r.target().timedNanos())).append(" and ").append(duration(r.baseline().timedNanos())).append("); ");
        }
        double cpu = r.extraCpuNanos();
        s.append(signed(cpu)).append(" of CPU").append(per);
        if (!notable(r)) {
            s.append(": no difference to explain (under ").append(Math.round(NOTABLE * 100)).append("% of the baseline's, within what two profiles"
                    + " of the same work differ by). ");
            return s.toString().strip();
        }
        if (!r.rows().isEmpty()) {
            Map<String, Double> byFrame = new LinkedHashMap<>(); // a function under several callers, once
            for (Row row : r.rows()) if (!row.frame().equals(ROOT)) byFrame.merge(display(row.frame()), row.extraNanos(), Double::sum);
            List<Map.Entry<String, Double>> top = byFrame.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(4).toList();
            s.append(", of which ").append(String.join(", ", top.stream()
                    .map(e -> String.format(Locale.ROOT, "%.0f%% %s", 100 * e.getValue() / cpu, e.getKey())).toList()));
            if (byFrame.size() > top.size()) s.append(", ...");
        }
        s.append(". ");
        List<Syscall> more = r.syscalls().stream().filter(c -> c.extra() >= 0.5).limit(5).toList();
        if (!more.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%+.0f system calls%s (", r.extraSyscalls(), per));
            s.append(String.join(", ", more.stream().map(c -> String.format(Locale.ROOT, "%s %+.0f", c.name(), c.extra())).toList()));
            s.append("). ");
        } else if (r.target().syscallOps() > 0) {
            s.append(String.format(Locale.ROOT, "%+.2f system calls%s. ", r.extraSyscalls(), per));
        }
        if (timed) {
            double off = (r.target().timedNanos() - r.baseline().timedNanos()) - cpu;
            if (off > 0.1 * Math.abs(r.target().timedNanos() - r.baseline().timedNanos())) {
                s.append("The other ").append(duration(off)).append(" of the timed difference is not on a CPU: waits (for a daemon,"
                        + " a lock, RCU, the disk) that an on-CPU profile does not see.");
            }
        }
        return s.toString().strip();
    }

    /** Syscall rows worth a table: those the target makes more, then fewer, each at least a hundredth of a call per op. */
    public static List<Syscall> tableSyscalls(Result r) {
        List<Syscall> more = r.syscalls().stream().filter(c -> c.extra() >= 0.01).limit(SYSCALL_ROWS).toList();
        List<Syscall> fewer = r.syscalls().stream().filter(c -> c.extra() <= -0.01).sorted(Comparator.comparingDouble(Syscall::extra))
                .limit(3).toList();
        List<Syscall> all = new ArrayList<>(more);
        all.addAll(fewer);
        return all;
    }

    static String signed(double nanos) {
        return (nanos >= 0 ? "+" : "-") + duration(Math.abs(nanos));
    }

    /** Nanoseconds in the unit a reader takes in at once. */
    public static String duration(double nanos) {
        double a = Math.abs(nanos);
        if (a >= 1e9) return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        if (a >= 1e3) return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        return String.format(Locale.ROOT, "%.1f ns", nanos);
    }
}
