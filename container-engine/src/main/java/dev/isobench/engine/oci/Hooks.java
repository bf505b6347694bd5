package dev.isobench.engine.oci;

import java.util.List;

/**
 * The hooks of a bundle that run in the runtime's namespace. prestart and createRuntime run during create, once
 * the container's namespaces, cgroups and mounts exist and it waits at its start barrier (already pivoted: the
 * engine's barrier sits right before exec, see the closing note of issue 22); poststart after start; poststop after
 * delete. createContainer and startContainer, which run inside the container, are refused when the bundle reads.
 */
public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> poststart, List<Hook> poststop) {
    public Hooks {
        prestart = List.copyOf(prestart);
        createRuntime = List.copyOf(createRuntime);
        poststart = List.copyOf(poststart);
        poststop = List.copyOf(poststop);
    }
}
