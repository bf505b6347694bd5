package dev.isobench.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the {@code key=value,key=value} param column, and sizes such as 64m, as numbers for chart axes. */
public final class Params {
    private Params() {}

    public static Map<String, String> parse(String param) {
        Map<String, String> m = new LinkedHashMap<>();
        if (param == null || param.isEmpty()) return m;
        for (String kv : param.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    /** A number, where sizes take binary units (k, m, g) and a ratio "1:4" is 4. */
    public static double number(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.contains(":")) v = v.substring(v.indexOf(':') + 1);
        double unit = 1;
        if (v.endsWith("k")) unit = 1 << 10;
        else if (v.endsWith("m")) unit = 1 << 20;
        else if (v.endsWith("g")) unit = 1 << 30;
        if (unit > 1) v = v.substring(0, v.length() - 1);
        return Double.parseDouble(v) * unit;
    }
}
