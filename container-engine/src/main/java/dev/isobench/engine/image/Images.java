package dev.isobench.engine.image;

import dev.isobench.engine.spec.IdMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds an image by reference: a built-in first, then the store (name[:tag], id or id prefix). */
public final class Images {
    private final BuiltinImages builtins;
    private final ImageStore store;
    private final ShiftedLayers shifted;

    public Images(BuiltinImages builtins, ImageStore store, ShiftedLayers shifted) {
        this.builtins = builtins;
        this.store = store;
        this.shifted = shifted;
    }

    /** The image as a user namespace with this map sees it: its files owned by the mapped ids. */
    public Image forUserNamespace(Image image, IdMap map) {
        return shifted.shift(image, map);
    }

    public BuiltinImages builtins() {
        return builtins;
    }

    public ImageStore store() {
        return store;
    }

    /**
     * A built-in, a stored image, or an absolute path of a directory: that directory as a one-layer image with
     * no configuration of its own (podman's {@code --rootfs}, an OCI bundle's root).
     */
    public Optional<Image> find(String ref) {
        if (ref.startsWith("/")) {
            Path dir = Path.of(ref);
            return Files.isDirectory(dir) ? Optional.of(new Image(ref, "dir:" + ref, List.of(dir), List.of(), List.of(), List.of(), "", ""))
                    : Optional.empty();
        }
        Optional<Image> builtin = builtins.find(ref);
        if (builtin.isPresent()) return builtin;
        return store.find(ref).map(r -> toImage(ref, r));
    }

    /** Layers top-first through their short links, so long layer stacks still fit one overlay mount. */
    private Image toImage(String ref, ImageRecord r) {
        List<Path> layers = new ArrayList<>();
        for (int i = r.layers().size() - 1; i >= 0; i--) layers.add(store.shortLink(r.layers().get(i)));
        ImageConfig c = r.config();
        List<String> env = c.env().isEmpty() ? List.of(BuiltinImages.PATH_ENV) : c.env();
        return new Image(ref, r.id(), layers, List.of(), env, c.command(), c.workdir(), c.user());
    }
}
