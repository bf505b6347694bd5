package dev.isobench.engine.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.AtomicFile;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Content-addressed images: layers under {@code layers/<diffID hex>} (each stored once, however many images
 * share it), image records under {@code images/store/<id hex>.json}, and refs ({@code name:tag}) in
 * {@code images/refs.json}. A layer is deleted only when no image and no container uses it; what uses
 * what is derived each time from the records, never counted separately. Mutations hold a file lock.
 */
public final class ImageStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path layers;
    private final Path links;
    private final Path records;
    private final Path refsFile;
    private final Path lockFile;

    public ImageStore(Path root) {
        this.layers = root.resolve("layers");
        this.links = root.resolve("l");
        this.records = root.resolve("images").resolve("store");
        this.refsFile = root.resolve("images").resolve("refs.json");
        this.lockFile = root.resolve("images").resolve(".lock");
    }

    /** "name" means "name:latest", as docker reads it. */
    public static String normalize(String ref) {
        int slash = ref.lastIndexOf('/');
        return ref.indexOf(':', slash + 1) >= 0 ? ref : ref + ":latest";
    }

    public Path layerDir(String diffId) {
        return layers.resolve(hex(diffId));
    }

    /** A short symlink to the layer, so that many lower dirs fit in one overlay mount's options. */
    public Path shortLink(String diffId) {
        return links.resolve(hex(diffId).substring(0, 16));
    }

    public Path linksDir() {
        return links;
    }

    public boolean hasLayer(String diffId) {
        return Files.isDirectory(layerDir(diffId));
    }

    /** Moves a completely extracted layer into place; false if the store already had it (tmp is removed). */
    public boolean commitLayer(String diffId, Path extracted) throws IOException {
        Files.createDirectories(layers);
        Files.createDirectories(links);
        Path target = layerDir(diffId);
        if (Files.isDirectory(target)) {
            SafeDelete.tree(extracted);
            return false;
        }
        try {
            Files.move(extracted, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(target)) throw e;
            SafeDelete.tree(extracted); // a concurrent import stored the same layer first
            return false;
        }
        Path link = shortLink(diffId);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("..", "layers", hex(diffId)));
        return true;
    }

    /** A scratch directory on the store's filesystem, so a finished layer can be renamed into place. */
    public Path tempDir() throws IOException {
        Files.createDirectories(layers);
        return Files.createTempDirectory(layers, ".tmp-");
    }

    /** Writes the record and points the refs at it. */
    public ImageRecord add(List<String> refs, List<String> layerIds, ImageConfig config, String source) {
        return locked(() -> {
            String id = "sha256:" + sha256(JSON.writeValueAsString(List.of(layerIds, config)));
            ImageRecord r = new ImageRecord(id, layerIds, config, System.currentTimeMillis(), source);
            Files.createDirectories(records);
            Path file = records.resolve(hex(id) + ".json");
            if (!Files.exists(file)) AtomicFile.write(file, JSON.writeValueAsBytes(r));
            Map<String, String> all = readRefs();
            for (String ref : refs) all.put(normalize(ref), id);
            AtomicFile.write(refsFile, JSON.writeValueAsBytes(all));
            return r;
        });
    }

    /** Finds an image by ref, full id or unique id prefix. */
    public Optional<ImageRecord> find(String ref) {
        String id = readRefs().get(normalize(ref));
        if (id == null) id = idByPrefix(ref.startsWith("sha256:") ? ref.substring(7) : ref);
        return id == null ? Optional.empty() : read(id);
    }

    public Map<String, String> refs() {
        return readRefs();
    }

    public List<ImageRecord> images() {
        List<ImageRecord> all = new ArrayList<>();
        if (!Files.isDirectory(records)) return all;
        try (var s = Files.list(records)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) all.add(JSON.readValue(p.toFile(), ImageRecord.class));
        } catch (IOException e) {
            throw new EngineException("cannot read the image store " + records + ": " + e.getMessage(), e);
        }
        return all;
    }

    /** Untags a ref; the image itself goes once no ref and no container holds it, its layers likewise. */
    public void remove(String ref, Set<String> imagesInUse) {
        locked(() -> {
            Map<String, String> all = readRefs();
            String key = normalize(ref);
            String id = all.get(key);
            if (id == null) {
                id = idByPrefix(ref);
                if (id == null) throw new EngineException("no such image: " + ref + " (isobench ctr images lists them)");
                final String target = id;
                all.values().removeIf(target::equals);
            } else {
                all.remove(key);
            }
            if (!all.containsValue(id) && imagesInUse.contains(id)) {
                throw new EngineException("image " + ref + " is used by a container: remove the container first (isobench ctr ps -a)");
            }
            AtomicFile.write(refsFile, JSON.writeValueAsBytes(all));
            return null;
        });
        prune(imagesInUse, false);
    }

    /**
     * Removes untagged images that no container uses, then every layer no remaining image uses. With
     * {@code all}, tagged images that no container uses go too.
     */
    public List<String> prune(Set<String> imagesInUse, boolean all) {
        return locked(() -> {
            Map<String, String> refs = readRefs();
            List<String> removed = new ArrayList<>();
            Set<String> keptLayers = new HashSet<>();
            for (ImageRecord r : images()) {
                boolean tagged = refs.containsValue(r.id());
                if (imagesInUse.contains(r.id()) || (tagged && !all)) {
                    keptLayers.addAll(r.layers());
                    continue;
                }
                Files.deleteIfExists(records.resolve(hex(r.id()) + ".json"));
                refs.values().removeIf(r.id()::equals);
                removed.add(r.id());
            }
            AtomicFile.write(refsFile, JSON.writeValueAsBytes(refs));
            if (Files.isDirectory(layers)) {
                try (var s = Files.list(layers)) {
                    for (Path layer : s.toList()) {
                        String diffId = "sha256:" + layer.getFileName();
                        if (layer.getFileName().toString().startsWith(".tmp-") || !keptLayers.contains(diffId)) {
                            if (!layer.getFileName().toString().startsWith(".tmp-")) Files.deleteIfExists(shortLink(diffId));
                            SafeDelete.tree(layer);
                        }
                    }
                }
            }
            pruneShiftedCopies(keptLayers);
            return removed;
        });
    }

    /** User-namespace copies of store layers go with their layer (built-in ones are named otherwise). */
    private void pruneShiftedCopies(Set<String> keptLayers) throws IOException {
        Path shifted = layers.getParent().resolve("images").resolve("shifted");
        if (!Files.isDirectory(shifted)) return;
        try (var maps = Files.list(shifted)) {
            for (Path map : maps.toList()) {
                try (var s = Files.list(map)) {
                    for (Path copy : s.toList()) {
                        String name = copy.getFileName().toString();
                        boolean storeLayer = name.matches("[0-9a-f]{64}");
                        if (name.startsWith(".tmp-") || storeLayer && !keptLayers.contains("sha256:" + name)) SafeDelete.tree(copy);
                    }
                }
            }
        }
    }

    /** Deletes an untagged image record (a failed build's intermediate images); its layers go with prune. */
    public void removeRecord(String id) {
        locked(() -> {
            if (!readRefs().containsValue(id)) Files.deleteIfExists(records.resolve(hex(id) + ".json"));
            return null;
        });
    }

    /** Deletes layers added by an import that then failed. */
    public void discardLayers(List<String> diffIds) {
        for (String d : diffIds) {
            try {
                Files.deleteIfExists(shortLink(d));
            } catch (IOException e) {
                // the layer dir below is what matters
            }
            SafeDelete.tree(layerDir(d));
        }
    }

    public long layerBytes(String diffId) {
        try (var s = Files.walk(layerDir(diffId))) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private Optional<ImageRecord> read(String id) {
        Path file = records.resolve(hex(id) + ".json");
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), ImageRecord.class));
        } catch (IOException e) {
            throw new EngineException("image record " + file + " is unreadable: " + e.getMessage() + " (isobench ctr image rm " + hex(id) + ")", e);
        }
    }

    private String idByPrefix(String prefix) {
        if (prefix.length() < 4 || !prefix.matches("[0-9a-f]+")) return null;
        List<String> hits = images().stream().map(ImageRecord::id).filter(id -> hex(id).startsWith(prefix)).toList();
        if (hits.size() > 1) throw new EngineException("'" + prefix + "' matches " + hits.size() + " images: give more of the id");
        return hits.isEmpty() ? null : hits.get(0);
    }

    private Map<String, String> readRefs() {
        if (!Files.exists(refsFile)) return new TreeMap<>();
        try {
            return new TreeMap<>(JSON.readValue(refsFile.toFile(), new TypeReference<Map<String, String>>() {}));
        } catch (IOException e) {
            throw new EngineException("refs file " + refsFile + " is unreadable: " + e.getMessage(), e);
        }
    }

    private <T> T locked(Callable<T> work) {
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return work.call();
            }
        } catch (EngineException e) {
            throw e;
        } catch (Exception e) {
            throw new EngineException("image store at " + records.getParent() + ": " + e.getMessage(), e);
        }
    }


    static String hex(String digest) {
        return digest.startsWith("sha256:") ? digest.substring(7) : digest;
    }

    public static String sha256(String text) {
        return hex(digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** "sha256:HEX" of some bytes, the form every digest in an image takes: the one SHA-256 helper of the project. */
    public static String digest(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
