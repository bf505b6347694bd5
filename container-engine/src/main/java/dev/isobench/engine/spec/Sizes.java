package dev.isobench.engine.spec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses docker-style sizes: a number with an optional unit b, k, m or g (binary multiples; kb, mib... too). */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmg])i?b?|b)?");

    private Sizes() {}

    public static long parse(String flag, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " takes a size like 64m, 512k or 1g (units b, k, m, g), got '" + text + "'");
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            default -> 1L << 30;
        };
        return (long) (Double.parseDouble(m.group(1)) * unit);
    }
}
