package dev.isobench.bench.explain;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perf script -F comm,pid,event,ip,sym,dso} output folded into stacks, as Brendan Gregg's
 * stackcollapse-perf.pl does: one line per distinct stack, the process name first and the leaf last, frames joined
 * by ';', and its count of samples. Kernel frames end in {@code _[k]} and Java methods (from the JVM's perf map) in
 * {@code _[j]}, so flamegraph.pl, speedscope and the report colour them alike.
 */
public final class StackFolder {
    /** A sample's first line: "COMM PID EVENT:" (a thread's name may hold spaces). */
    private static final Pattern HEADER = Pattern.compile("^\\s*(.*?)\\s+(\\d+)\\s+(\\S+):\\s*$");
    /** A frame: "ADDRESS SYMBOL (DSO)"; the symbol may hold spaces and parentheses (a Java method's signature). */
    private static final Pattern FRAME = Pattern.compile("^\\s*([0-9a-f]+)\\s+(.*)\\s+\\((.*)\\)\\s*$");

    private StackFolder() {}

    /** Folds the samples of {@code event}; other events' samples are passed over. */
    public static Map<String, Long> fold(BufferedReader perfScript, String event) throws IOException {
        Map<String, Long> folded = new TreeMap<>();
        String comm = null;
        boolean wanted = false;
        List<String> frames = new ArrayList<>();
        for (String line = perfScript.readLine(); ; line = perfScript.readLine()) {
            if (line == null || line.isBlank()) {
                if (comm != null && wanted) folded.merge(stack(comm, frames), 1L, Long::sum);
                comm = null;
                frames.clear();
                if (line == null) return folded;
                continue;
            }
            Matcher f = FRAME.matcher(line);
            if (comm != null && f.matches()) {
                String name = frame(f.group(2), f.group(3));
                // a run of frames perf could not name (a stripped Go binary's, the JVM's interpreter) says no more than one
                if (!(opaque(name) && !frames.isEmpty() && frames.get(frames.size() - 1).equals(name))) frames.add(name);
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                if (comm != null && wanted) folded.merge(stack(comm, frames), 1L, Long::sum);
                comm = clean(h.group(1));
                wanted = h.group(3).equals(event);
                frames.clear();
            }
        }
    }

    private static String stack(String comm, List<String> leafFirst) {
        List<String> rootFirst = new ArrayList<>(leafFirst);
        Collections.reverse(rootFirst);
        rootFirst.add(0, comm);
        return String.join(";", rootFirst);
    }

    /** One frame's name: the symbol with its kind's suffix, or the object it is in where perf has no symbol. */
    static String frame(String symbol, String dso) {
        String sym = symbol.trim();
        if (dso.equals("[kernel.kallsyms]") || dso.startsWith("[kernel")) return clean(sym) + "_[k]";
        if (dso.matches(".*/perf-\\d+\\.map")) return clean(javaMethod(sym)) + "_[j]";
        if (sym.isEmpty() || sym.equals("[unknown]")) {
            String file = dso.substring(dso.lastIndexOf('/') + 1);
            return file.isEmpty() || file.equals("[unknown]") ? "[unknown]" : "[" + clean(file) + "]";
        }
        return clean(sym);
    }

    /**
     * A method's name from the JVM's perf map ({@code "int java.lang.String.hashCode()"}): the class and method,
     * without the return type and the parameters; the JVM's own stubs ("Interpreter", "StubRoutines (1)") as they are.
     */
    static String javaMethod(String sym) {
        int paren = sym.indexOf('(');
        if (paren <= 0 || !sym.endsWith(")") || sym.startsWith("StubRoutines")) return sym;
        String head = sym.substring(0, paren);
        int space = head.lastIndexOf(' ');
        return space < 0 ? head : head.substring(space + 1);
    }

    /** A frame that names no function: an object without symbols, or the JVM's interpreter. */
    static boolean opaque(String frame) {
        return frame.startsWith("[") || frame.equals("Interpreter_[j]");
    }

    /** What may not appear in a folded frame: the separator, and the space before a count. */
    private static String clean(String s) {
        return s.replace(';', ':').replace('\n', ' ').strip().replace(' ', '_');
    }
}
