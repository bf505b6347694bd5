package dev.isobench.engine.plan;

import java.util.List;

/** One primitive step of a {@link Plan}: an op and its string arguments. */
public record Step(Op op, List<String> args) {
    public Step {
        args = List.copyOf(args);
        for (String a : args) {
            if (a.indexOf('\0') >= 0) throw new IllegalArgumentException(op + " argument contains a NUL byte: " + a);
        }
    }

    public static Step of(Op op, String... args) {
        return new Step(op, List.of(args));
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + " " + String.join(" ", args);
    }
}
