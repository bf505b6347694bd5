package dev.isobench.engine.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses /proc/PID/mountinfo (proc(5)): one {@link Entry} per mount, octal escapes decoded. */
public final class Mountinfo {
    /** One line of mountinfo: where it is mounted, its filesystem type, source and super options. */
    public record Entry(Path mountPoint, String fsType, String source, Set<String> superOptions) {}

    private Mountinfo() {}

    public static List<Entry> read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            int sep = 6;
            while (sep < f.length && !f[sep].equals("-")) sep++;
            if (sep + 3 >= f.length) continue;
            entries.add(new Entry(Path.of(unescape(f[4])), f[sep + 1], unescape(f[sep + 2]),
                    Set.of(f[sep + 3].split(","))));
        }
        return entries;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
