package dev.isobench.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an image as an OCI image layout in a tar (what {@code podman load} and {@code skopeo copy oci-archive:}
 * read): blobs/sha256 with the layer tars, the config and the manifest, index.json naming the image, and
 * oci-layout. The file appears only once complete.
 */
public final class ImageExporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore store;

    public ImageExporter(ImageStore store) {
        this.store = store;
    }

    public void save(String ref, Path file) {
        ImageRecord image = store.find(ref).orElseThrow(() -> new EngineException("no such image: " + ref + " (isobench ctr images lists them)"));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        List<Path> layerTars = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(tmp); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            ArrayNode layers = manifest.putArray("layers");
            ArrayNode diffIds = JSON.createArrayNode();
            for (String diffId : image.layers()) {
                Path layerTar = Files.createTempFile(file.toAbsolutePath().getParent(), ".layer", ".tar");
                layerTars.add(layerTar);
                String digest;
                try (OutputStream lo = Files.newOutputStream(layerTar)) {
                    digest = LayerTarWriter.write(store.layerDir(diffId), lo);
                }
                diffIds.add(digest);
                layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", digest).put("size", Files.size(layerTar));
                putFile(tar, "blobs/sha256/" + digest.substring(7), layerTar);
            }
            byte[] config = JSON.writeValueAsBytes(config(image.config(), diffIds));
            put(tar, "blobs/sha256/" + sha(config).substring(7), config);
            manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", sha(config)).put("size", config.length);
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            put(tar, "blobs/sha256/" + sha(manifestBytes).substring(7), manifestBytes);
            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            ObjectNode desc = index.putArray("manifests").addObject();
            desc.put("mediaType", "application/vnd.oci.image.manifest.v1+json").put("digest", sha(manifestBytes)).put("size", manifestBytes.length);
            desc.putObject("annotations").put("org.opencontainers.image.ref.name", ImageStore.normalize(ref));
            put(tar, "index.json", JSON.writeValueAsBytes(index));
            tar.finish();
        } catch (IOException e) {
            cleanup(tmp, layerTars);
            throw new EngineException("cannot save " + ref + " to " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cleanup(tmp, layerTars);
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            cleanup(tmp, layerTars);
            throw new EngineException("cannot save " + ref + " to " + file + ": " + e.getMessage(), e);
        }
        cleanup(null, layerTars);
    }

    private static ObjectNode config(ImageConfig c, ArrayNode diffIds) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "amd64").put("os", "linux");
        ObjectNode conf = root.putObject("config");
        ArrayNode env = conf.putArray("Env");
        c.env().forEach(env::add);
        if (!c.entrypoint().isEmpty()) c.entrypoint().forEach(conf.withArray("Entrypoint")::add);
        if (!c.cmd().isEmpty()) c.cmd().forEach(conf.withArray("Cmd")::add);
        if (!c.workdir().isEmpty()) conf.put("WorkingDir", c.workdir());
        if (!c.user().isEmpty()) conf.put("User", c.user());
        c.exposedPorts().forEach(p -> conf.with("ExposedPorts").putObject(p));
        c.volumes().forEach(v -> conf.with("Volumes").putObject(v));
        c.labels().forEach((k, v) -> conf.with("Labels").put(k, v));
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.set("diff_ids", diffIds);
        return root;
    }

    private static void cleanup(Path tmp, List<Path> files) {
        try {
            if (tmp != null) Files.deleteIfExists(tmp);
            for (Path f : files) Files.deleteIfExists(f);
        } catch (IOException e) {
            // best effort: temporary files next to the target
        }
    }

    private static void put(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
    }

    private static void putFile(TarArchiveOutputStream t, String name, Path file) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(Files.size(file));
        t.putArchiveEntry(e);
        Files.copy(file, t);
        t.closeArchiveEntry();
    }

    private static String sha(byte[] data) {
        return ImageStore.digest(data);
    }
}
