package dev.isobench.engine.image;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a layer directory in overlayfs form back as an OCI layer tar: a char device 0/0 becomes
 * {@code .wh.NAME}, an opaque directory gets a {@code .wh..wh..opq} entry. Entries are sorted and owners,
 * modes, times, hard links, symlinks, devices and xattrs (as PAX headers) kept, so the same tree gives the
 * same tar and the same digest.
 */
public final class LayerTarWriter {
    private LayerTarWriter() {}

    /** Writes the tar and returns its sha256 digest ("sha256:HEX"). */
    public static String write(Path layer, OutputStream out) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            DigestOutputStream digest = new DigestOutputStream(out, sha);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(digest, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Map<Object, String> links = new HashMap<>();
            List<Path> paths;
            try (Stream<Path> s = Files.walk(layer)) {
                paths = s.filter(p -> !p.equals(layer)).sorted().toList();
            }
            for (Path p : paths) entry(layer, p, tar, links);
            tar.finish();
            digest.flush();
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new EngineException("cannot write a tar of layer " + layer + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void entry(Path root, Path p, TarArchiveOutputStream tar, Map<Object, String> links) throws IOException {
        String name = root.relativize(p).toString();
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,ino,dev,nlink,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        TarArchiveEntry e;
        if (type == 0020000 && (Long) a.get("rdev") == 0) { // overlay whiteout
            Path parent = p.getParent();
            e = new TarArchiveEntry((parent.equals(root) ? "" : root.relativize(parent) + "/") + LayerExtractor.WHITEOUT_PREFIX + p.getFileName());
            e.setMode(0100000);
            Map<String, Object> fixed = new HashMap<>(a);
            // a whiteout's own time is when it was unpacked: meaningless, and it would change the digest
            fixed.put("lastModifiedTime", FileTime.fromMillis(0));
            put(tar, e, fixed, null);
            return;
        }
        if (type == 0040000) {
            e = new TarArchiveEntry(name + "/");
        } else if (type == 0120000) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (type == 0100000 && (Integer) a.get("nlink") > 1 && links.containsKey(List.of(a.get("dev"), a.get("ino")))) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
            e.setLinkName(links.get(List.of(a.get("dev"), a.get("ino"))));
        } else if (type == 0100000) {
            e = new TarArchiveEntry(name);
            e.setSize(Files.size(p));
            links.put(List.of(a.get("dev"), a.get("ino")), name);
        } else if (type == 0020000 || type == 0060000) {
            e = new TarArchiveEntry(name, type == 0020000 ? TarArchiveEntry.LF_CHR : TarArchiveEntry.LF_BLK);
            long rdev = (Long) a.get("rdev");
            e.setDevMajor((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL)));
            e.setDevMinor((int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL)));
        } else if (type == 0010000) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO);
        } else {
            throw new EngineException("layer " + root + ": " + name + " is a socket or unknown file type; it cannot go into a tar");
        }
        e.setMode(mode);
        for (String x : Native.listXattrs(p.toString())) {
            if (x.startsWith("trusted.overlay.")) continue;
            byte[] v = Native.getXattr(p.toString(), x);
            if (v != null) e.addPaxHeader("SCHILY.xattr." + x, new String(v, StandardCharsets.ISO_8859_1));
        }
        put(tar, e, a, type == 0100000 && e.getLinkFlag() != TarArchiveEntry.LF_LINK ? p : null);
        if (type == 0040000 && Native.getXattr(p.toString(), LayerExtractor.OPAQUE_XATTR) != null) {
            TarArchiveEntry opq = new TarArchiveEntry(name + "/" + LayerExtractor.OPAQUE_MARKER);
            opq.setMode(0100000);
            put(tar, opq, a, null);
        }
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, Map<String, Object> a, Path content) throws IOException {
        e.setUserId(((Number) a.get("uid")).longValue());
        e.setGroupId(((Number) a.get("gid")).longValue());
        e.setModTime((FileTime) a.get("lastModifiedTime"));
        tar.putArchiveEntry(e);
        if (content != null) {
            try (InputStream in = Files.newInputStream(content)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
    }
}
