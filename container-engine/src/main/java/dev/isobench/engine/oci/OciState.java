package dev.isobench.engine.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The runtime-spec's state of a container, as {@code state} prints it (field names are the spec's; rootfs,
 * created and owner are what runc adds, and clients such as podman read them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OciState(String ociVersion, String id, String status, int pid, String bundle, String rootfs, String created, String owner,
                       Map<String, String> annotations) {
    public static final String SPEC_VERSION = "1.0.2";
}
