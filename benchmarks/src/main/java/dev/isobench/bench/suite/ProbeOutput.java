package dev.isobench.bench.suite;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What the probe printed: lines of "key value..." (e.g. {@code rounds 1234}, {@code bytes B nanos N}), read by
 * key in one place instead of by each caller's substring offsets.
 */
record ProbeOutput(String text) {
    /** The first value of the first line with this key, or empty. */
    OptionalDouble first(String key) {
        return fields(key).stream().filter(f -> f.length > 1).mapToDouble(f -> Double.parseDouble(f[1])).findFirst();
    }

    /** The first value of the first line with this key; an error naming the key when the probe printed none. */
    double value(String key) {
        return first(key).orElseThrow(() -> new IllegalStateException("the probe printed no " + key + ": " + text.trim()));
    }

    /** The largest value over every line with this key, or empty (e.g. allocated_mib, printed as it grows). */
    OptionalDouble max(String key) {
        return fields(key).stream().filter(f -> f.length > 1).mapToDouble(f -> Double.parseDouble(f[1])).max();
    }

    /** Every line with this key, split on spaces (the key first). */
    List<String[]> fields(String key) {
        return text.lines().map(String::trim).map(l -> l.split("\\s+")).filter(f -> f[0].equals(key)).toList();
    }
}
