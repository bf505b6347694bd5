package dev.isobench.bench.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an initramfs: a cpio archive in the kernel's "newc" format (070701 headers of thirteen 8-digit hex
 * fields, names and data padded to 4 bytes, ending with TRAILER!!!), uncompressed, which every Linux
 * kernel unpacks. No library writes the device-node entries the guest's /dev/console needs, so this does.
 */
public final class Initramfs {
    private static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFCHR = 0020000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    public Initramfs dir(String name) {
        return entry(name, S_IFDIR | 0755, 2, new byte[0], 0, 0);
    }

    public Initramfs file(String name, byte[] data, int perm) {
        return entry(name, S_IFREG | perm, 1, data, 0, 0);
    }

    public Initramfs charDevice(String name, int perm, int major, int minor) {
        return entry(name, S_IFCHR | perm, 1, new byte[0], major, minor);
    }

    /** The finished archive. */
    public byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        writeEntry(copy, "TRAILER!!!", 0, 0, 1, new byte[0], 0, 0);
        return copy.toByteArray();
    }

    public void writeTo(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Initramfs entry(String name, int mode, int nlink, byte[] data, int rdevMajor, int rdevMinor) {
        if (name.startsWith("/") || name.contains("..")) throw new IllegalArgumentException("initramfs entry names are relative: " + name);
        writeEntry(out, name, inode++, mode, nlink, data, rdevMajor, rdevMinor);
        return this;
    }

    private static void writeEntry(OutputStream o, String name, int ino, int mode, int nlink, byte[] data, int rdevMajor, int rdevMinor) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        String header = "070701" + String.format("%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
                ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor, n.length, 0);
        try {
            o.write(header.getBytes(StandardCharsets.US_ASCII));
            o.write(n);
            o.write(new byte[pad(110 + n.length)]);
            o.write(data);
            o.write(new byte[pad(data.length)]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int pad(int n) {
        return (4 - n % 4) % 4;
    }

    /** The guest's root: the static probe as /init, its console, and mount points for /proc, /dev, /tmp. */
    public static Initramfs withProbe(byte[] probe) {
        return new Initramfs().dir("dev").charDevice("dev/console", 0600, 5, 1).dir("proc").dir("sys").dir("tmp")
                .file("init", probe, 0755);
    }
}
