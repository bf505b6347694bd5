package dev.isobench.engine.files;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes a directory tree without ever leaving its filesystem or following a link: if something were
 * mounted below it (a bind of a host directory, say), that part is refused rather than emptied.
 */
public final class SafeDelete {
    private SafeDelete() {}

    /**
     * A straggler may add a file while the walk runs (an orphaned monitor writing its exit file, say): a
     * directory found not empty is walked again, a few times, before that counts as a failure.
     */
    public static void tree(Path root) {
        for (int attempt = 1; ; attempt++) {
            try {
                once(root);
                return;
            } catch (EngineException e) {
                if (!(e.getCause() instanceof DirectoryNotEmptyException) || attempt == 5) throw e;
                try {
                    Thread.sleep(10L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void once(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Object device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Object here;
                    try {
                        here = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        return FileVisitResult.SKIP_SUBTREE; // another deleter of the same tree (a reaper, gc) took it first
                    }
                    if (!device.equals(here)) {
                        throw new EngineException("refusing to delete " + dir + ": another filesystem is mounted there;"
                                + " unmount it (umount -l " + dir + ") and run 'isobench ctr gc' again");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) throw e;
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return; // the whole tree went meanwhile
        } catch (IOException e) {
            throw new EngineException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
