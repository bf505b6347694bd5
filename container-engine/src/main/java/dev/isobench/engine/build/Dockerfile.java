package dev.isobench.engine.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the Dockerfile subset isobench builds: line continuations, comments, exec and shell forms, $VAR. */
final class Dockerfile {
    static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "COPY", "ADD", "ENV", "WORKDIR", "USER", "CMD", "ENTRYPOINT",
            "EXPOSE", "VOLUME", "LABEL", "MAINTAINER", "ARG");
    private static final Pattern VAR = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))");

    /** One instruction and the line it starts on. */
    record Instruction(int line, String keyword, String arguments) {}

    private Dockerfile() {}

    /** Parses the whole file first, so an unknown instruction fails the build before anything runs. */
    static List<Instruction> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new EngineException("cannot read Dockerfile " + file + ": " + e.getMessage(), e);
        }
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (current.length() == 0 && (line.isBlank() || line.trim().startsWith("#"))) continue;
            if (current.length() == 0) start = i + 1;
            String t = line.stripTrailing();
            boolean more = t.endsWith("\\");
            current.append(more ? t.substring(0, t.length() - 1) : t).append(more ? " " : "");
            if (more && i < lines.size() - 1) continue;
            String text = current.toString().trim();
            current.setLength(0);
            String[] kw = text.split("\\s+", 2);
            String keyword = kw[0].toUpperCase();
            if (!KEYWORDS.contains(keyword)) {
                throw new EngineException(file.getFileName() + " line " + start + ": unknown instruction '" + kw[0] + "' (supported: "
                        + String.join(", ", new TreeSet<>(KEYWORDS)) + ")");
            }
            out.add(new Instruction(start, keyword, kw.length > 1 ? kw[1].trim() : ""));
        }
        return out;
    }

    /** $NAME and ${NAME} from build args and the image's ENV so far; unknown names become empty, as in docker. */
    static String substitute(String text, Map<String, String> args, List<String> env) {
        Map<String, String> vars = new LinkedHashMap<>(args);
        for (String e : env) vars.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        Matcher m = VAR.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(b, Matcher.quoteReplacement(vars.getOrDefault(name, "")));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The exec form (a JSON array) as it is; the shell form as /bin/sh -c TEXT. */
    static List<String> command(String text) {
        if (text.startsWith("[")) {
            try {
                List<String> argv = new ArrayList<>();
                new ObjectMapper().readTree(text).forEach(n -> argv.add(n.asText()));
                return argv;
            } catch (IOException e) {
                throw new EngineException("malformed JSON array: " + text);
            }
        }
        return List.of("/bin/sh", "-c", text);
    }

    /** Space-separated words, or a JSON array: the arguments of COPY, ADD, EXPOSE and VOLUME. */
    static List<String> words(String text) {
        return text.startsWith("[") ? command(text) : List.of(text.trim().split("\\s+"));
    }

    /** KEY=VALUE pairs (quotes allowed), or the legacy "KEY VALUE" form. */
    static Map<String, String> keyValues(String text, Instruction step) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (!text.contains("=")) {
            String[] p = text.split("\\s+", 2);
            if (p.length < 2) throw new EngineException("line " + step.line() + ": " + step.keyword() + " needs KEY=VALUE");
            kv.put(p[0], p[1]);
            return kv;
        }
        Matcher m = Pattern.compile("([^\\s=]+)=(\"[^\"]*\"|\\S*)").matcher(text);
        while (m.find()) kv.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
        return kv;
    }
}
