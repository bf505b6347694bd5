package dev.isobench.engine.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.AtomicFile;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the OCI side keeps next to a container's state.json ({@code oci.json}): the bundle, the config's version
 * and annotations, the creation time, and the hooks still to run after create.
 */
record Sidecar(String bundle, String rootfs, String ociVersion, Map<String, String> annotations, String created, List<Hook> poststart,
               List<Hook> poststop) {
    static final String FILE = "oci.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    void write(Path containerDir) {
        try {
            AtomicFile.write(containerDir.resolve(FILE), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new EngineException("cannot write " + containerDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    static Sidecar read(Path containerDir) {
        Path f = containerDir.resolve(FILE);
        try {
            return JSON.readValue(Files.readAllBytes(f), Sidecar.class);
        } catch (IOException e) {
            throw new EngineException("container state " + f + " is unreadable: " + e.getMessage(), e);
        }
    }
}
