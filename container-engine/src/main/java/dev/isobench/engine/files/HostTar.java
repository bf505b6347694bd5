package dev.isobench.engine.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * ctr cp's host side: a host file or tree written as a tar stream whose top entry has the name it gets in the
 * container, and a tar stream from a container unpacked on the host, where nothing in it may reach outside the
 * destination: no absolute name, no "..", no write through a symlink, not even one the stream itself made.
 */
public final class HostTar {
    private HostTar() {}

    /** Writes {@code source} (a file, a symlink as a symlink, or a tree) as a tar whose top entry is {@code name}. */
    public static void pack(Path source, String name, OutputStream out) throws IOException {
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) throw new IllegalArgumentException("no such file on the host: " + source);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                add(tar, dir, entryName(source, dir, name) + "/");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(tar, file, entryName(source, file, name));
                return FileVisitResult.CONTINUE;
            }
        });
        tar.finish();
        tar.flush();
    }

    private static String entryName(Path top, Path p, String name) {
        String rest = top.relativize(p).toString();
        return rest.isEmpty() ? name : name + "/" + rest;
    }

    private static void add(TarArchiveOutputStream tar, Path p, String entryName) throws IOException {
        TarArchiveEntry e;
        if (Files.isSymbolicLink(p)) {
            e = new TarArchiveEntry(entryName, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else {
            e = new TarArchiveEntry(p.toFile(), entryName);
        }
        e.setMode(mode(p) | (e.isDirectory() ? 040000 : e.isSymbolicLink() ? 0120000 : 0100000));
        e.setUserId(0); // root's in the container, as docker cp makes them
        e.setGroupId(0);
        tar.putArchiveEntry(e);
        if (!e.isSymbolicLink() && !e.isDirectory()) Files.copy(p, tar);
        tar.closeArchiveEntry();
    }

    private static int mode(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) return 0777;
        int m = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) m |= 1 << (8 - perm.ordinal());
        return m;
    }

    /**
     * Unpacks a tar whose entries all sit under one top entry into {@code dest}: into it, as that top entry, where
     * {@code dest} is a directory; as {@code dest} itself otherwise. Returns what the top entry became.
     */
    public static Path unpack(InputStream in, Path dest) throws IOException {
        Path absolute = dest.toAbsolutePath().normalize();
        boolean into = Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS);
        Path root = into ? absolute : absolute.getParent();
        if (root == null || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("no such directory on the host: " + (root == null ? dest : root));
        }
        Path top = null;
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            Path relative = safe(e.getName());
            Path target = into ? root.resolve(relative)
                    : relative.getNameCount() == 1 ? absolute : absolute.resolve(relative.subpath(1, relative.getNameCount()));
            noLinkOnTheWay(root, target);
            if (top == null) top = target;
            if (e.isDirectory()) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) Files.createDirectories(target);
            } else if (e.isSymbolicLink() || e.isLink() || e.isFile()) {
                Files.deleteIfExists(target); // a symlink there is replaced, never written through
                if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    continue;
                }
                if (e.isLink()) {
                    Path relativeLinked = safe(e.getLinkName());
                    Path linked = into ? root.resolve(relativeLinked) : absolute.resolve(relativeLinked.subpath(1, relativeLinked.getNameCount()));
                    noLinkOnTheWay(root, linked);
                    Files.copy(linked, target, LinkOption.NOFOLLOW_LINKS);
                } else {
                    try (OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)) {
                        tar.transferTo(o);
                    }
                }
            } else {
                continue; // devices and fifos are not copied out
            }
            Files.setPosixFilePermissions(target, permissions(e.getMode()));
            Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
        }
        if (top == null) throw new IOException("the container sent no files");
        return top;
    }

    /** An entry's name as a relative path with no "..": anything else is refused. */
    private static Path safe(String name) throws IOException {
        Path p = Path.of(name).normalize();
        if (p.isAbsolute() || p.toString().isEmpty() || p.startsWith("..")) throw new IOException("refused a tar entry outside its destination: " + name);
        return p;
    }

    /** Every directory between root and target is a real directory: none is a symlink, whoever made it. */
    private static void noLinkOnTheWay(Path root, Path target) throws IOException {
        if (!target.startsWith(root)) throw new IOException("refused a tar entry outside its destination: " + target);
        Path p = root;
        for (Path part : root.relativize(target.getParent() == null ? target : target.getParent())) {
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) throw new IOException("refused to write through the symlink " + p);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = new HashSet<>();
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) if ((mode & (1 << (8 - i))) != 0) s.add(all[i]);
        return s;
    }
}
