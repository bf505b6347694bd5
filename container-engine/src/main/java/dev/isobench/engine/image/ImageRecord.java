package dev.isobench.engine.image;

import java.util.List;

/**
 * An image in the store: its id (sha256 of its layers and config), its layers bottom-up by diffID, and its
 * config. Records are immutable files under {@code <root>/images/store}; refs point at them.
 */
public record ImageRecord(String id, List<String> layers, ImageConfig config, long createdMillis, String source) {
    public ImageRecord {
        layers = List.copyOf(layers);
    }

    public String shortId() {
        return id.substring(id.indexOf(':') + 1, id.indexOf(':') + 13);
    }
}
