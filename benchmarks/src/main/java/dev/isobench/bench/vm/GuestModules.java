package dev.isobench.bench.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel modules a guest that runs isobench needs, from the same build as its kernel (scripts/vm-kernel puts
 * them beside vmlinuz, in {@code lib/modules/VERSION} with depmod's {@code modules.dep}), in an order the kernel can
 * load them: each module's dependencies first.
 */
public final class GuestModules {
    /** virtio-pci and 9p for the host's files; overlay, veth and bridge for the engine; virtio-blk for io.max. */
    public static final List<String> NEEDED = List.of("virtio_pci", "9pnet_virtio", "9p", "overlay", "veth", "bridge", "virtio_blk");

    private GuestModules() {}

    /**
     * The module files in load order, or empty when the kernel's directory has no modules (a kernel from elsewhere):
     * the caller says what is missing. A name that is built in (not in modules.dep) needs no file.
     */
    public static Optional<List<Path>> inLoadOrder(Path kernel) {
        Path dir = kernel.toAbsolutePath().getParent();
        Path versionFile = dir.resolve("modules.version");
        if (!Files.isReadable(versionFile)) return Optional.empty();
        try {
            Path modules = dir.resolve("lib/modules").resolve(Files.readString(versionFile).trim());
            Path dep = modules.resolve("modules.dep");
            if (!Files.isReadable(dep)) return Optional.empty();
            Map<String, List<String>> deps = parse(Files.readAllLines(dep));
            Set<String> order = new LinkedHashSet<>();
            for (String name : NEEDED) {
                String file = byName(deps, name);
                if (file != null) visit(file, deps, order);
            }
            List<Path> out = new ArrayList<>();
            for (String f : order) out.add(modules.resolve(f));
            return Optional.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** modules.dep: "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko ..." (each line's dependencies, nearest first). */
    static Map<String, List<String>> parse(List<String> lines) {
        Map<String, List<String>> deps = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String rest = line.substring(colon + 1).trim();
            deps.put(line.substring(0, colon).trim(), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        return deps;
    }

    private static String byName(Map<String, List<String>> deps, String name) {
        for (String file : deps.keySet()) {
            String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.ko(\\.[a-z]+)?$", "");
            if (base.equals(name) || base.replace('-', '_').equals(name)) return file;
        }
        return null;
    }

    private static void visit(String file, Map<String, List<String>> deps, Set<String> order) {
        if (order.contains(file)) return;
        for (String d : deps.getOrDefault(file, List.of())) visit(d, deps, order);
        order.add(file);
    }
}
