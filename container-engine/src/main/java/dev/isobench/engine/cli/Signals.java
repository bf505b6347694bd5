package dev.isobench.engine.cli;

import java.util.List;
import java.util.Locale;

/** Linux signal names and numbers, as {@code kill} takes them: {@code TERM}, {@code SIGTERM} or {@code 15}. */
final class Signals {
    /** Index = number (x86-64 and arm64 agree on 1-31). */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
            "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
            "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {}

    static int parse(String text) {
        String t = text.toUpperCase(Locale.ROOT);
        try {
            int n = Integer.parseInt(t);
            if (n > 0 && n <= 64) return n;
        } catch (NumberFormatException e) {
            String name = t.startsWith("SIG") ? t.substring(3) : t;
            if (name.equals("IOT")) return 6;
            if (name.equals("POLL")) return 29;
            int n = NAMES.indexOf(name);
            if (n > 0) return n;
            if (name.startsWith("RTMIN")) return offset(34, name.substring(5));
            if (name.startsWith("RTMAX")) return 64 - offset(0, name.substring(5).replace("-", "+"));
        }
        throw new IllegalArgumentException("unknown signal \"" + text + "\" (a name such as SIGTERM or KILL, or a number 1-64)");
    }

    private static int offset(int base, String rest) {
        if (rest.isEmpty()) return base;
        return base + Integer.parseInt(rest.replace("+", ""));
    }
}
