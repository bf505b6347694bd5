package dev.isobench.bench.vm;

import dev.isobench.engine.files.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * An initramfs: an uncompressed cpio archive in the kernel's "newc" format, which every Linux kernel unpacks,
 * written with commons-compress (block size 4: no padding past the trailer). Entries are owned by root with mtime 0, so the same input gives the same bytes.
 */
public final class Initramfs {
    private record Entry(String name, long mode, byte[] data, int rdevMajor, int rdevMinor) {}

    private final List<Entry> entries = new ArrayList<>();

    public Initramfs dir(String name) {
        return entry(name, CpioConstants.C_ISDIR | 0755, new byte[0], 0, 0);
    }

    public Initramfs file(String name, byte[] data, int perm) {
        return entry(name, CpioConstants.C_ISREG | perm, data, 0, 0);
    }

    public Initramfs charDevice(String name, int perm, int major, int minor) {
        return entry(name, CpioConstants.C_ISCHR | perm, new byte[0], major, minor);
    }

    /** The finished archive. */
    public byte[] bytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW, 4)) {
            long inode = 1;
            for (Entry e : entries) {
                CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.name());
                c.setMode(e.mode());
                c.setInode(inode++);
                c.setNumberOfLinks((e.mode() & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
                c.setRemoteDeviceMaj(e.rdevMajor());
                c.setRemoteDeviceMin(e.rdevMinor());
                c.setTime(0);
                c.setSize(e.data().length);
                cpio.putArchiveEntry(c);
                cpio.write(e.data());
                cpio.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public void writeTo(Path file) throws IOException {
        AtomicFile.write(file, bytes());
    }

    private Initramfs entry(String name, long mode, byte[] data, int rdevMajor, int rdevMinor) {
        if (name.startsWith("/") || name.contains("..")) throw new IllegalArgumentException("initramfs entry names are relative: " + name);
        entries.add(new Entry(name, mode, data, rdevMajor, rdevMinor));
        return this;
    }

    /** The guest's root: the static probe as /init, its console, and mount points for /proc, /dev, /tmp. */
    public static Initramfs withProbe(byte[] probe) {
        return new Initramfs().dir("dev").charDevice("dev/console", 0600, 5, 1).dir("proc").dir("sys").dir("tmp")
                .file("init", probe, 0755);
    }
}
