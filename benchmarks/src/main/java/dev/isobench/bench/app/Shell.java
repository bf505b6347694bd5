package dev.isobench.bench.app;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes command lines for {@code sh -c}, which the workloads' scripts are. */
final class Shell {
    private Shell() {}

    static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=,@%+-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static String join(List<String> argv) {
        return argv.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
