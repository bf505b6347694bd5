package dev.isobench.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes small OCI image layouts and docker save archives for tests, entry by entry. */
final class OciArchive {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One layer under construction. */
    static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Layer() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Layer dir(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(040755);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        Layer file(String name, String content) throws IOException {
            return file(name, content.getBytes(StandardCharsets.UTF_8), 0100644);
        }

        Layer file(String name, byte[] content, int mode) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, true); // keep a leading '/', to test that it is refused
            e.setSize(content.length);
            e.setMode(mode);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        }

        Layer link(String name, String target, byte type) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, type);
            e.setLinkName(target);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        Layer device(String name, int major, int minor) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_CHR);
            e.setDevMajor(major);
            e.setDevMinor(minor);
            e.setMode(020600);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] tar() throws IOException {
            tar.finish();
            return bytes.toByteArray();
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static String sha(byte[] data) {
        return ImageStore.digest(data);
    }

    /**
     * Writes an OCI layout tar: one manifest, the layers gzipped when asked, refName as annotation.
     * {@code diffIds} may differ from the layers' real digests, to test the checks.
     */
    static void writeOci(Path file, String refName, List<byte[]> layerTars, boolean gzip, List<String> diffIds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            put(t, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            ObjectNode config = JSON.createObjectNode();
            config.put("architecture", "amd64").put("os", "linux");
            ObjectNode c = config.putObject("config");
            c.putArray("Env").add("PATH=/bin").add("GREETING=hello");
            c.putArray("Cmd").add("/probe").add("true");
            c.put("WorkingDir", "/etc");
            ObjectNode rootfs = config.putObject("rootfs");
            rootfs.put("type", "layers");
            ArrayNode ids = rootfs.putArray("diff_ids");
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            ArrayNode layers = manifest.putArray("layers");
            for (int i = 0; i < layerTars.size(); i++) {
                byte[] blob = gzip ? gzip(layerTars.get(i)) : layerTars.get(i);
                ids.add(diffIds == null ? sha(layerTars.get(i)) : diffIds.get(i));
                layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar" + (gzip ? "+gzip" : ""))
                        .put("digest", sha(blob)).put("size", blob.length);
                put(t, "blobs/sha256/" + sha(blob).substring(7), blob);
            }
            byte[] configBytes = JSON.writeValueAsBytes(config);
            put(t, "blobs/sha256/" + sha(configBytes).substring(7), configBytes);
            manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
                    .put("digest", sha(configBytes)).put("size", configBytes.length);
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            put(t, "blobs/sha256/" + sha(manifestBytes).substring(7), manifestBytes);
            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            ObjectNode desc = index.putArray("manifests").addObject();
            desc.put("mediaType", "application/vnd.oci.image.manifest.v1+json").put("digest", sha(manifestBytes)).put("size", manifestBytes.length);
            desc.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
            put(t, "index.json", JSON.writeValueAsBytes(index));
        }
        Files.write(file, out.toByteArray());
    }

    /** Writes a docker save archive (manifest.json, config, layer.tar files). */
    static void writeDocker(Path file, String repoTag, List<byte[]> layerTars) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            ObjectNode config = JSON.createObjectNode();
            config.putObject("config").putArray("Cmd").add("/probe").add("true");
            ArrayNode ids = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
            List<String> paths = new ArrayList<>();
            for (byte[] layer : layerTars) {
                ids.add(sha(layer));
                String p = sha(layer).substring(7, 19) + "/layer.tar";
                paths.add(p);
                put(t, p, layer);
            }
            byte[] configBytes = JSON.writeValueAsBytes(config);
            put(t, sha(configBytes).substring(7) + ".json", configBytes);
            ArrayNode manifest = JSON.createArrayNode();
            ObjectNode m = manifest.addObject();
            m.put("Config", sha(configBytes).substring(7) + ".json");
            m.putArray("RepoTags").add(repoTag);
            ArrayNode layers = m.putArray("Layers");
            paths.forEach(layers::add);
            put(t, "manifest.json", JSON.writeValueAsBytes(manifest));
        }
        Files.write(file, out.toByteArray());
    }

    private static void put(TarArchiveOutputStream t, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
    }
}
