package dev.isobench.engine.plan;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordered primitive steps that the C stage runs for one container process: Java decides, C executes.
 */
public record Plan(List<Step> steps) {
    public Plan {
        steps = List.copyOf(steps);
    }

    /** The whole plan as frames, closed by the end frame. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192); // a default plan is ~5 KB
        for (Step s : steps) Frames.encode(s, out);
        Frames.encode(Step.of(Op.END), out);
        return out.toByteArray();
    }

    /** Describes step N the way the C stage numbers them, for error messages. */
    public String describe(int index) {
        return index >= 0 && index < steps.size() ? steps.get(index).toString() : "step " + index;
    }

    /** Collects steps in order. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        /** A directory made with this mode (octal in the source, decimal on the wire, as every number the plan carries). */
        public Builder mkdir(String path, int mode) {
            return add(Op.MKDIR, path, Integer.toString(mode));
        }

        public Builder add(Op op, String... args) {
            steps.add(Step.of(op, args));
            return this;
        }

        public Builder addAll(List<Step> more) {
            steps.addAll(more);
            return this;
        }

        public Plan build() {
            return new Plan(steps);
        }
    }
}
