package dev.isobench.engine.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;

/**
 * A deterministic tree shaped like a Debian minbase rootfs: many small files, a few large ones, in nested
 * directories of about 24 entries. The same (bytes, files) gives the same bytes every time: one seed
 * drives names, sizes and content, and every mtime is fixed.
 */
public final class SyntheticTree {
    /** Debian minbase holds about 190 MB in about 10,500 files: 18 KiB a file on average. */
    public static final long MEAN_FILE_BYTES = 18 << 10;
    private static final long SEED = 0x15_0BE_4C4L;
    private static final FileTime EPOCH = FileTime.fromMillis(1_700_000_000_000L);
    private static final int PER_DIR = 24;

    private SyntheticTree() {}

    public static int defaultFiles(long bytes) {
        return (int) Math.max(16, Math.min(2_000_000, bytes / MEAN_FILE_BYTES));
    }

    public static void generate(Path root, long bytes, int files) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ bytes * 31 ^ files);
        long[] sizes = sizes(random, bytes, files);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        for (int i = 0; i < files; i++) {
            Path file = root.resolve(dirFor(i)).resolve(String.format("f%06d.dat", i));
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long left = sizes[i]; left > 0; ) {
                    chunk.clear();
                    int n = (int) Math.min(left, chunk.capacity());
                    for (int k = 0; k < n; k += 8) chunk.putLong(random.nextLong());
                    chunk.position(0).limit(n);
                    while (chunk.hasRemaining()) ch.write(chunk);
                    left -= n;
                }
            }
            Files.setLastModifiedTime(file, EPOCH);
        }
    }

    /** A heavy-tailed mix: the largest 1% of files hold about half the bytes, as shared libraries do. */
    static long[] sizes(SplittableRandom random, long bytes, int files) {
        double[] weights = new double[files];
        double total = 0;
        for (int i = 0; i < files; i++) {
            double u = random.nextDouble(1e-9, 1.0);
            weights[i] = Math.pow(u, -1.0 / 1.16); // Pareto with alpha 1.16: the 80/20 shape of file sizes
            total += weights[i];
        }
        long[] sizes = new long[files];
        long assigned = 0;
        for (int i = 0; i < files; i++) {
            sizes[i] = (long) (bytes * weights[i] / total);
            assigned += sizes[i];
        }
        sizes[0] += bytes - assigned; // rounding leftovers, so the tree holds exactly the asked bytes
        return sizes;
    }

    /** d00/d03/d11: a fixed fan-out, so paths depend on the file index alone. */
    private static String dirFor(int i) {
        int d = i / PER_DIR;
        StringBuilder path = new StringBuilder("usr/share/synthetic");
        for (int level = 0; level < 3; level++) {
            path.append(String.format("/d%02d", d % PER_DIR));
            d /= PER_DIR;
        }
        return path.toString();
    }
}
