package dev.isobench.engine.cgroup;

import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Block I/O throttling: blkio.throttle.* on v1, io.max on v2; bytes read and written. */
final class IoFiles {
    private IoFiles() {}

    static void applyV1(Path dir, Limits limits) {
        for (DeviceRate r : limits.readBps()) CgroupFiles.write(dir.resolve("blkio.throttle.read_bps_device"), r.device() + " " + r.bytesPerSecond());
        for (DeviceRate r : limits.writeBps()) CgroupFiles.write(dir.resolve("blkio.throttle.write_bps_device"), r.device() + " " + r.bytesPerSecond());
    }

    static void applyV2(Path dir, Limits limits) {
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        for (DeviceRate r : limits.readBps()) lines.computeIfAbsent(r.device(), d -> new StringBuilder(d)).append(" rbps=").append(r.bytesPerSecond());
        for (DeviceRate r : limits.writeBps()) lines.computeIfAbsent(r.device(), d -> new StringBuilder(d)).append(" wbps=").append(r.bytesPerSecond());
        lines.values().forEach(l -> CgroupFiles.write(dir.resolve("io.max"), l.toString()));
    }

    /** v1: "MAJ:MIN Read N" lines of blkio.throttle.io_service_bytes. */
    static void readV1(Path dir, CgroupStatsBuilder b) {
        Path f = dir.resolve("blkio.throttle.io_service_bytes");
        if (!Files.exists(f)) return;
        long read = 0;
        long write = 0;
        for (String line : CgroupFiles.read(f).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 3 && p[1].equals("Read")) read += Long.parseLong(p[2]);
            if (p.length == 3 && p[1].equals("Write")) write += Long.parseLong(p[2]);
        }
        b.ioReadBytes = read;
        b.ioWriteBytes = write;
    }

    /** v2: "MAJ:MIN rbytes=N wbytes=N ..." lines of io.stat. */
    static void readV2(Path dir, CgroupStatsBuilder b) {
        Path f = dir.resolve("io.stat");
        if (!Files.exists(f)) return;
        long read = 0;
        long write = 0;
        for (String line : CgroupFiles.read(f).split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith("rbytes=")) read += Long.parseLong(field.substring(7));
                if (field.startsWith("wbytes=")) write += Long.parseLong(field.substring(7));
            }
        }
        b.ioReadBytes = read;
        b.ioWriteBytes = write;
    }
}
