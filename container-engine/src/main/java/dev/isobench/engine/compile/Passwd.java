package dev.isobench.engine.compile;

import dev.isobench.engine.rootfs.InsideRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A root filesystem's /etc/passwd, read before a plan is compiled (the compiler itself reads no files): where a
 * process given an exact environment without HOME gets its home from (runc's rule).
 */
public record Passwd(String text) {
    public static final Passwd NONE = new Passwd("");

    /** The passwd inside this root, or none (no such file, or a link that would leave the root). */
    public static Passwd of(Path root) {
        try {
            return new Passwd(Files.readString(InsideRoot.resolve(root, "/etc/passwd")));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The home directory of this uid, where the file names one. */
    Optional<String> home(int uid) {
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 6 && f[2].equals(Integer.toString(uid)) && !f[5].isEmpty()) return Optional.of(f[5]);
        }
        return Optional.empty();
    }
}
