package dev.isobench.engine.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A device's major and minor numbers, decoded from a dev_t as glibc's major()/minor() do. */
public record DeviceNumber(int major, int minor) {
    public static DeviceNumber of(long dev) {
        return new DeviceNumber((int) (((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffL)), (int) ((dev & 0xff) | ((dev >> 12) & ~0xffL)));
    }

    /** The device of the filesystem that holds a path. */
    public static DeviceNumber ofFilesystem(Path p) {
        try {
            return of((Long) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
