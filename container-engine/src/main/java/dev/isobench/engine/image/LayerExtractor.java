package dev.isobench.engine.image;

import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks one layer tar (gzip or not) into a directory in overlayfs form: {@code .wh.NAME} becomes a char
 * device 0/0 named NAME, and {@code .wh..wh..opq} marks its directory {@code trusted.overlay.opaque=y}.
 * Modes, owners, times, hard links, symlinks, xattrs (from PAX headers) are kept.
 */
public final class LayerExtractor {
    public static final String WHITEOUT_PREFIX = ".wh.";
    public static final String OPAQUE_MARKER = ".wh..wh..opq";
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;

    /** Digests of one extracted layer: of the bytes as stored (blob) and of the uncompressed tar (diffID). */
    public record Digests(String blob, String diffId) {}

    private final boolean allowDevices;

    public LayerExtractor(boolean allowDevices) {
        this.allowDevices = allowDevices;
    }

    public Digests extract(String layerName, InputStream raw, Path dir) {
        try {
            MessageDigest blobSha = MessageDigest.getInstance("SHA-256");
            MessageDigest tarSha = MessageDigest.getInstance("SHA-256");
            BufferedInputStream in = new BufferedInputStream(new DigestInputStream(raw, blobSha), 1 << 16);
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            InputStream tarBytes = new DigestInputStream(gzip ? new GzipCompressorInputStream(in, true) : in, tarSha);
            TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);
            Deque<Runnable> dirMetadata = new ArrayDeque<>();
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                unpack(layerName, e, tar, dir, dirMetadata);
            }
            tarBytes.transferTo(OutputSink.INSTANCE); // the tar's trailing blocks count in its digest
            while (!dirMetadata.isEmpty()) dirMetadata.pop().run(); // deepest first: children no longer touch them
            HexFormat hex = HexFormat.of();
            return new Digests("sha256:" + hex.formatHex(blobSha.digest()), "sha256:" + hex.formatHex(tarSha.digest()));
        } catch (IOException e) {
            throw new EngineException("layer " + layerName + " is corrupt or truncated (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void unpack(String layer, TarArchiveEntry e, InputStream data, Path root, Deque<Runnable> dirMetadata) throws IOException {
        List<String> parts = LayerEntryPath.components(layer, e.getName());
        if (parts.isEmpty()) return; // the layer root itself: its metadata belongs to the image, not the layer
        String base = parts.get(parts.size() - 1);
        Path target = LayerEntryPath.resolve(layer, e.getName(), root, parts);
        if (base.equals(OPAQUE_MARKER)) {
            Native.setXattr(target.getParent().toString(), OPAQUE_XATTR, "y".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            Path hidden = target.resolveSibling(base.substring(WHITEOUT_PREFIX.length()));
            SafeDelete.tree(hidden);
            Native.mknod(hidden.toString(), S_IFCHR, 0, 0);
            return;
        }
        boolean existingDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !(existingDir && e.isDirectory())) SafeDelete.tree(target);
        String path = target.toString();
        if (e.isDirectory()) {
            if (!existingDir) Files.createDirectory(target);
            dirMetadata.push(() -> metadata(path, e, true));
            xattrs(path, e);
            return;
        }
        if (e.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            Native.lchown(path, (int) e.getLongUserId(), (int) e.getLongGroupId());
            Native.lutimes(path, e.getLastModifiedTime().toInstant().getEpochSecond());
            return;
        }
        if (e.isLink()) {
            List<String> src = LayerEntryPath.components(layer, e.getLinkName());
            Path source = LayerEntryPath.resolve(layer, e.getLinkName(), root, src);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new EngineException("layer " + layer + ": hard link '" + e.getName() + "' points to '" + e.getLinkName() + "', which the layer does not hold");
            }
            Files.createLink(target, source);
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            if (!allowDevices) {
                throw new EngineException("layer " + layer + ": device node '" + e.getName() + "' is not allowed (import with --allow-devices to keep it)");
            }
            Native.mknod(path, (e.isCharacterDevice() ? S_IFCHR : S_IFBLK) | (e.getMode() & 07777), e.getDevMajor(), e.getDevMinor());
        } else if (e.isFIFO()) {
            Native.mknod(path, S_IFIFO | (e.getMode() & 07777), 0, 0);
        } else if (e.isFile()) {
            Files.copy(data, target);
        } else {
            throw new EngineException("layer " + layer + ": entry '" + e.getName() + "' has an unsupported type");
        }
        metadata(path, e, false);
        xattrs(path, e);
    }

    /** Owner first: chown clears setuid bits, so the mode comes after it. */
    private static void metadata(String path, TarArchiveEntry e, boolean dir) {
        Native.lchown(path, (int) e.getLongUserId(), (int) e.getLongGroupId());
        Native.chmod(path, e.getMode() & 07777);
        try {
            Files.setLastModifiedTime(Path.of(path), FileTime.from(e.getLastModifiedTime().toInstant()));
        } catch (IOException ex) {
            throw new EngineException("cannot set the time of " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static void xattrs(String path, TarArchiveEntry e) {
        for (Map.Entry<String, String> x : e.getExtraPaxHeaders().entrySet()) {
            if (x.getKey().startsWith("SCHILY.xattr.")) {
                String name = x.getKey().substring("SCHILY.xattr.".length());
                Native.setXattr(path, name, x.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** Discards bytes; used to read a stream to its end so its digest is complete. */
    private static final class OutputSink extends OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
