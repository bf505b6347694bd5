package dev.isobench.engine.seccomp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * x86_64 system call numbers by name: the one table the engine has, read from {@code x86_64.txt} beside this class
 * (one "name number" a line, as the kernel's syscall_64.tbl has them), for the default filter and Docker's profiles alike.
 */
public final class SyscallTable {
    private static final Map<String, Integer> X86_64 = load();

    private SyscallTable() {}

    /** The call's number, or null for a name the table lacks. */
    public static Integer number(String name) {
        return X86_64.get(name);
    }

    /** The call's name, or empty for a number the table lacks. */
    public static Optional<String> name(int number) {
        return X86_64.entrySet().stream().filter(e -> e.getValue() == number).map(Map.Entry::getKey).findFirst();
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> m = new HashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream("/dev/isobench/engine/seccomp/x86_64.txt")) {
            if (in == null) throw new IllegalStateException("the jar lacks dev/isobench/engine/seccomp/x86_64.txt");
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length == 2) m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
