package dev.isobench.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.sys.EngineException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Imports an OCI image layout (a directory or a tar of one) or a {@code docker save} archive, gzip or not.
 * Every digest is checked; on any failure the layers this import added are removed again, and no image
 * record or ref is written: the store holds the whole image or nothing of it.
 */
public final class ImageImporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REF_ANNOTATION = "org.opencontainers.image.ref.name";

    private final ImageStore store;
    private final boolean allowDevices;

    public ImageImporter(ImageStore store, boolean allowDevices) {
        this.store = store;
        this.allowDevices = allowDevices;
    }

    /** Imports and returns the stored images; {@code name} overrides the archive's own names. */
    public List<ImageRecord> importFrom(Path source, Optional<String> name) {
        if (!Files.exists(source)) throw new EngineException("no such file: " + source);
        Path unpacked = null;
        try {
            Path layout = source;
            if (!Files.isDirectory(source)) {
                unpacked = store.tempDir();
                unpackArchive(source, unpacked);
                layout = unpacked;
            }
            if (Files.exists(layout.resolve("manifest.json"))) return importDocker(layout, source, name);
            if (Files.exists(layout.resolve("index.json"))) return importOci(layout, source, name);
            throw new EngineException(source + " is neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
        } catch (IOException e) {
            throw new EngineException("cannot import " + source + ": " + e.getMessage(), e);
        } finally {
            if (unpacked != null) SafeDelete.tree(unpacked);
        }
    }

    private List<ImageRecord> importDocker(Path layout, Path source, Optional<String> name) throws IOException {
        List<ImageRecord> imported = new ArrayList<>();
        for (JsonNode m : readJson(layout, "manifest.json")) {
            JsonNode config = readJson(layout, m.path("Config").asText());
            List<String> blobs = new ArrayList<>();
            m.path("Layers").forEach(l -> blobs.add(l.asText()));
            List<String> refs = new ArrayList<>();
            m.path("RepoTags").forEach(t -> refs.add(t.asText()));
            imported.add(store(layout, source, config, blobs, List.of(), refs, name));
        }
        return imported;
    }

    private List<ImageRecord> importOci(Path layout, Path source, Optional<String> name) throws IOException {
        List<ImageRecord> imported = new ArrayList<>();
        for (JsonNode desc : readJson(layout, "index.json").path("manifests")) {
            JsonNode manifest = blobJson(layout, desc.path("digest").asText());
            if (manifest.has("manifests")) { // a nested index (multi-platform): take linux/amd64 or the first
                desc = pickPlatform(manifest.path("manifests"));
                manifest = blobJson(layout, desc.path("digest").asText());
            }
            JsonNode config = blobJson(layout, manifest.path("config").path("digest").asText());
            List<String> blobs = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            for (JsonNode l : manifest.path("layers")) {
                digests.add(l.path("digest").asText());
                blobs.add(blobPath(l.path("digest").asText()));
            }
            String ref = desc.path("annotations").path(REF_ANNOTATION).asText("");
            List<String> refs = ref.isEmpty() ? List.of() : List.of(ref.contains(":") || ref.contains("/") ? ref : fileStem(source) + ":" + ref);
            imported.add(store(layout, source, config, blobs, digests, refs, name));
        }
        return imported;
    }

    private ImageRecord store(Path layout, Path source, JsonNode config, List<String> blobs, List<String> blobDigests,
                              List<String> refs, Optional<String> name) throws IOException {
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        if (diffIds.size() != blobs.size()) {
            throw new EngineException("image config lists " + diffIds.size() + " layers but the manifest has " + blobs.size());
        }
        List<String> added = new ArrayList<>();
        try {
            for (int i = 0; i < blobs.size(); i++) {
                String diffId = diffIds.get(i);
                if (store.hasLayer(diffId)) continue;
                Path tmp = store.tempDir();
                LayerExtractor.Digests d;
                try (InputStream in = Files.newInputStream(layout.resolve(blobs.get(i)))) {
                    d = new LayerExtractor(allowDevices).extract(blobs.get(i), in, tmp);
                } catch (RuntimeException e) {
                    SafeDelete.tree(tmp);
                    throw e;
                }
                if (!blobDigests.isEmpty() && !d.blob().equals(blobDigests.get(i))) {
                    SafeDelete.tree(tmp);
                    throw new EngineException("digest mismatch for layer " + blobs.get(i) + ": the manifest says " + blobDigests.get(i) + ", the blob is " + d.blob());
                }
                if (!d.diffId().equals(diffId)) {
                    SafeDelete.tree(tmp);
                    throw new EngineException("digest mismatch for layer " + blobs.get(i) + ": the config says diff_id " + diffId + ", the tar is " + d.diffId());
                }
                if (store.commitLayer(diffId, tmp)) added.add(diffId);
            }
            List<String> names = name.map(List::of).orElse(refs.isEmpty() ? List.of(fileStem(source)) : refs);
            return store.add(names, diffIds, config(config.path("config")), source.getFileName().toString());
        } catch (RuntimeException e) {
            store.discardLayers(added);
            throw e;
        }
    }

    static ImageConfig config(JsonNode c) {
        List<String> ports = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        List<String> volumes = new ArrayList<>();
        c.path("Volumes").fieldNames().forEachRemaining(volumes::add);
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        return new ImageConfig(strings(c.path("Env")), strings(c.path("Entrypoint")), strings(c.path("Cmd")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""), ports, volumes, labels);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode pickPlatform(JsonNode manifests) {
        for (JsonNode m : manifests) {
            if (m.path("platform").path("architecture").asText().equals("amd64") && m.path("platform").path("os").asText().equals("linux")) return m;
        }
        return manifests.get(0);
    }

    /** Reads a blob, checking that its content has the digest it is named by. */
    private static JsonNode blobJson(Path layout, String digest) throws IOException {
        Path file = layout.resolve(blobPath(digest));
        if (!Files.exists(file)) throw new EngineException("the layout lacks blob " + digest);
        byte[] bytes = Files.readAllBytes(file);
        String actual = ImageStore.digest(bytes);
        if (!actual.equals(digest)) throw new EngineException("digest mismatch: blob " + digest + " has content " + actual);
        return JSON.readTree(bytes);
    }

    private static String blobPath(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) throw new EngineException("unsupported or malformed digest '" + digest + "'");
        return "blobs/sha256/" + digest.substring(7);
    }

    private static JsonNode readJson(Path layout, String name) throws IOException {
        List<String> parts = LayerEntryPath.components("archive", name);
        Path file = LayerEntryPath.resolve("archive", name, layout, parts);
        if (!Files.exists(file)) throw new EngineException("the archive lacks " + name);
        return JSON.readTree(file.toFile());
    }

    /** Unpacks the outer archive's regular files and directories only, with the same path checks as layers. */
    private static void unpackArchive(Path file, Path dir) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GzipCompressorInputStream(raw, true) : raw);
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                List<String> parts = LayerEntryPath.components(file.getFileName().toString(), e.getName());
                Path target = LayerEntryPath.resolve(file.getFileName().toString(), e.getName(), dir, parts);
                if (e.isDirectory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(target);
                } else if (e.isFile()) {
                    Files.deleteIfExists(target);
                    Files.copy(tar, target);
                } else if (e.isSymbolicLink() || e.isLink()) {
                    // docker save links repeated layers to one copy; a plain copy keeps the unpacked tree simple
                    String archive = file.getFileName().toString();
                    String rel = e.isLink() ? e.getLinkName() : Path.of(e.getName()).resolveSibling(e.getLinkName()).normalize().toString();
                    Path src = LayerEntryPath.resolve(archive, rel, dir, LayerEntryPath.components(archive, rel));
                    if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
                        throw new EngineException("archive " + archive + ": link '" + e.getName() + "' points to '" + rel + "', which it does not hold");
                    }
                    Files.copy(src, target);
                }
            }
        } catch (EngineException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException("archive " + file + " is corrupt or truncated (" + e.getMessage() + ")", e);
        }
    }

    private static String fileStem(Path source) {
        String n = source.getFileName().toString();
        for (String ext : List.of(".tar.gz", ".tgz", ".tar")) {
            if (n.endsWith(ext)) return n.substring(0, n.length() - ext.length()).toLowerCase();
        }
        return n.toLowerCase();
    }
}
