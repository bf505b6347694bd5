package dev.isobench.engine.build;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.AtomicFile;
import dev.isobench.engine.files.CopyTree;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.image.Image;
import dev.isobench.engine.image.ImageConfig;
import dev.isobench.engine.image.ImageRecord;
import dev.isobench.engine.image.ImageStore;
import dev.isobench.engine.image.Images;
import dev.isobench.engine.image.LayerExtractor;
import dev.isobench.engine.image.LayerTarWriter;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds an image from a Dockerfile subset: FROM (a stored image, a built-in one, or scratch), RUN (in a
 * real container; its overlay upper dir becomes the new layer), COPY, ADD, ENV, WORKDIR, USER, CMD,
 * ENTRYPOINT, EXPOSE, VOLUME, LABEL, MAINTAINER and ARG. Every step's image is cached by its parent and
 * its instruction (and, for COPY/ADD, the digest of what it copies). A failed build leaves nothing it made.
 */
public final class ImageBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore store;
    private final Images images;
    private final Function<ContainerSpec, Container> containers;
    private final Path cacheFile;

    /** @param containers creates (does not start) a container, as Engine.create does */
    public ImageBuilder(ImageStore store, Images images, Function<ContainerSpec, Container> containers, Path root) {
        this.store = store;
        this.images = images;
        this.containers = containers;
        this.cacheFile = root.resolve("images").resolve("build-cache.json");
    }

    /** The state between steps: the image so far. */
    private record State(String parent, List<String> layers, ImageConfig config) {}

    public ImageRecord build(Path dockerfile, Path context, String tag, boolean noCache, Map<String, String> buildArgs, Consumer<String> log) {
        List<Dockerfile.Instruction> steps = Dockerfile.parse(dockerfile);
        if (steps.isEmpty() || !steps.get(0).keyword().equals("FROM")) {
            throw new EngineException(dockerfile + ": the first instruction must be FROM");
        }
        Map<String, String> cache = noCache ? new HashMap<>() : readCache();
        List<String> madeImages = new ArrayList<>();
        List<String> madeLayers = new ArrayList<>();
        Map<String, String> args = new LinkedHashMap<>(buildArgs);
        State s = null;
        try {
            for (Dockerfile.Instruction step : steps) {
                String text = Dockerfile.substitute(step.arguments(), args, s == null ? List.of() : s.config().env());
                log.accept("step " + step.line() + ": " + step.keyword() + " " + text);
                if (step.keyword().equals("ARG")) {
                    String[] kv = text.split("=", 2);
                    args.putIfAbsent(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
                    continue;
                }
                if (step.keyword().equals("FROM")) {
                    s = from(text, step, madeLayers);
                    continue;
                }
                String key = ImageStore.sha256(s.parent() + "\n" + step.keyword() + " " + text + "\n" + contextDigest(step, text, context));
                String cached = cache.get(key);
                if (cached != null && store.find(cached).isPresent()) {
                    ImageRecord r = store.find(cached).get();
                    s = new State(r.id(), r.layers(), r.config());
                    log.accept("  cached: " + r.shortId());
                    continue;
                }
                s = apply(s, step, text, context, madeLayers, log);
                ImageRecord r = store.add(List.of(), s.layers(), s.config(), "build " + dockerfile.getFileName() + ":" + step.line());
                if (!madeImages.contains(r.id())) madeImages.add(r.id());
                cache.put(key, r.id());
                s = new State(r.id(), s.layers(), s.config());
            }
            ImageRecord result = store.add(List.of(tag), s.layers(), s.config(), "build " + dockerfile.getFileName());
            writeCache(cache);
            return result;
        } catch (RuntimeException e) {
            for (String id : madeImages) store.removeRecord(id);
            store.discardLayers(madeLayers);
            throw e;
        }
    }

    private State from(String ref, Dockerfile.Instruction step, List<String> madeLayers) {
        if (ref.equals("scratch")) return new State("scratch", List.of(), ImageConfig.EMPTY);
        var stored = store.find(ref);
        if (stored.isPresent()) return new State(stored.get().id(), stored.get().layers(), stored.get().config());
        Image builtin = images.builtins().find(ref).orElseThrow(() -> new EngineException(
                "Dockerfile line " + step.line() + ": FROM " + ref + ": no such image (import it first, or use scratch)"));
        if (!builtin.binds().isEmpty()) throw new EngineException("Dockerfile line " + step.line() + ": FROM " + ref + ": bind-mounted built-ins cannot be a base");
        List<String> layers = new ArrayList<>();
        for (int i = builtin.layers().size() - 1; i >= 0; i--) layers.add(adopt(builtin.layers().get(i), madeLayers));
        return new State("builtin:" + builtin.id(), layers, new ImageConfig(builtin.env(), List.of(), builtin.command(), "", "", List.of(), List.of(), Map.of()));
    }

    private State apply(State s, Dockerfile.Instruction step, String text, Path context, List<String> madeLayers, Consumer<String> log) {
        ImageConfig c = s.config();
        List<String> layers = new ArrayList<>(s.layers());
        switch (step.keyword()) {
            case "RUN" -> layers.add(run(s, step, Dockerfile.command(text), madeLayers, log));
            case "COPY", "ADD" -> layers.add(copy(step, text, context, madeLayers));
            case "ENV" -> c = with(c, Dockerfile.keyValues(text, step).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), null, null, null, null);
            case "WORKDIR" -> c = with(c, null, text.startsWith("/") ? text : (c.workdir().isEmpty() ? "/" : c.workdir() + "/") + text, null, null, null);
            case "USER" -> c = with(c, null, null, text, null, null);
            case "CMD" -> c = with(c, null, null, null, Dockerfile.command(text), null);
            case "ENTRYPOINT" -> c = with(c, null, null, null, null, Dockerfile.command(text));
            case "EXPOSE", "VOLUME", "LABEL", "MAINTAINER" -> c = metadata(c, step, text);
            default -> throw new EngineException("Dockerfile line " + step.line() + ": unknown instruction " + step.keyword());
        }
        return new State(s.parent(), layers, c);
    }

    /** Runs the command in a container of the image so far; its upper dir becomes the new layer. */
    private String run(State s, Dockerfile.Instruction step, List<String> argv, List<String> madeLayers, Consumer<String> log) {
        if (s.layers().isEmpty()) throw new EngineException("Dockerfile line " + step.line() + ": RUN needs a base image with a command to run, not scratch");
        ImageRecord image = store.find(s.parent()).orElseGet(() -> store.add(List.of(), s.layers(), s.config(), "build base"));
        Container c = null;
        try {
            Path output = Files.createTempFile("isobench-build", ".log");
            try {
                ContainerSpec.Builder spec = ContainerSpec.builder().image(image.id()).command(argv).stdio(Stdio.toFiles(output, output));
                s.config().env().forEach(spec::env);
                if (!s.config().workdir().isEmpty()) spec.workdir(s.config().workdir());
                c = containers.apply(spec.build());
                c.start();
                int code = c.waitFor();
                Files.readAllLines(output).forEach(l -> log.accept("  | " + l));
                if (code != 0) {
                    throw new EngineException("Dockerfile line " + step.line() + ": RUN " + String.join(" ", argv) + " failed with exit code " + code);
                }
            } finally {
                Files.deleteIfExists(output);
            }
            return commit(c.dir().path().resolve("upper"), madeLayers);
        } catch (IOException e) {
            throw new EngineException("Dockerfile line " + step.line() + ": " + e.getMessage(), e);
        } finally {
            if (c != null) c.delete();
        }
    }

    private String copy(Dockerfile.Instruction step, String text, Path context, List<String> madeLayers) {
        List<String> parts = Dockerfile.words(text);
        if (parts.size() < 2) throw new EngineException("Dockerfile line " + step.line() + ": " + step.keyword() + " needs a source and a destination");
        String dest = parts.get(parts.size() - 1);
        try {
            Path layer = store.tempDir();
            try {
                for (String src : parts.subList(0, parts.size() - 1)) {
                    Path from = context.resolve(src).normalize();
                    if (!from.startsWith(context.normalize())) throw new EngineException("Dockerfile line " + step.line() + ": " + src + " is outside the build context");
                    if (!Files.exists(from)) throw new EngineException("Dockerfile line " + step.line() + ": " + src + " does not exist in the build context " + context);
                    boolean intoDir = dest.endsWith("/") || parts.size() > 2 || Files.isDirectory(from);
                    Path target = layer.resolve(dest.replaceFirst("^/+", ""));
                    if (intoDir && !Files.isDirectory(from)) target = target.resolve(from.getFileName().toString());
                    if (step.keyword().equals("ADD") && Files.isRegularFile(from) && from.toString().matches(".*\\.(tar|tar\\.gz|tgz)$")) {
                        Files.createDirectories(target);
                        try (var in = Files.newInputStream(from)) {
                            new LayerExtractor(false).extract(src, in, target);
                        }
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    CopyTree.copy(from, target, false);
                }
                return commit(layer, madeLayers);
            } finally {
                SafeDelete.tree(layer);
            }
        } catch (IOException e) {
            throw new EngineException("Dockerfile line " + step.line() + ": " + e.getMessage(), e);
        }
    }

    /** Moves a finished layer dir into the store under the digest of its tar form. */
    private String commit(Path dir, List<String> madeLayers) {
        String diffId = LayerTarWriter.write(dir, OutputStream.nullOutputStream());
        try {
            if (store.commitLayer(diffId, dir)) madeLayers.add(diffId);
        } catch (IOException e) {
            throw new EngineException("cannot store layer " + diffId + ": " + e.getMessage(), e);
        }
        return diffId;
    }

    /** A built-in image layer, copied into the store once so images can be built on it. */
    private String adopt(Path builtinLayer, List<String> madeLayers) {
        String diffId = LayerTarWriter.write(builtinLayer, OutputStream.nullOutputStream());
        if (store.hasLayer(diffId)) return diffId;
        try {
            Path tmp = store.tempDir();
            SafeDelete.tree(tmp);
            CopyTree.copy(builtinLayer, tmp, false);
            if (store.commitLayer(diffId, tmp)) madeLayers.add(diffId);
            return diffId;
        } catch (IOException e) {
            throw new EngineException("cannot adopt " + builtinLayer + ": " + e.getMessage(), e);
        }
    }

    private static ImageConfig with(ImageConfig c, List<String> env, String workdir, String user, List<String> cmd, List<String> entrypoint) {
        List<String> e = new ArrayList<>(c.env());
        if (env != null) {
            for (String kv : env) {
                String k = kv.substring(0, kv.indexOf('='));
                e.removeIf(x -> x.startsWith(k + "="));
                e.add(kv);
            }
        }
        return new ImageConfig(e, entrypoint != null ? entrypoint : c.entrypoint(), cmd != null ? cmd : c.cmd(),
                workdir != null ? workdir : c.workdir(), user != null ? user : c.user(), c.exposedPorts(), c.volumes(), c.labels());
    }

    private static ImageConfig metadata(ImageConfig c, Dockerfile.Instruction step, String text) {
        List<String> ports = new ArrayList<>(c.exposedPorts());
        List<String> volumes = new ArrayList<>(c.volumes());
        Map<String, String> labels = new LinkedHashMap<>(c.labels());
        switch (step.keyword()) {
            case "EXPOSE" -> Dockerfile.words(text).forEach(p -> ports.add(p.contains("/") ? p : p + "/tcp"));
            case "VOLUME" -> volumes.addAll(Dockerfile.words(text));
            case "LABEL" -> labels.putAll(Dockerfile.keyValues(text, step));
            default -> labels.put("maintainer", text);
        }
        return new ImageConfig(c.env(), c.entrypoint(), c.cmd(), c.workdir(), c.user(), ports, volumes, labels);
    }

    /** COPY and ADD hit the cache only while what they copy is unchanged. */
    private static String contextDigest(Dockerfile.Instruction step, String text, Path context) {
        if (!step.keyword().equals("COPY") && !step.keyword().equals("ADD")) return "";
        StringBuilder b = new StringBuilder();
        List<String> parts = Dockerfile.words(text);
        for (String src : parts.subList(0, Math.max(0, parts.size() - 1))) {
            Path p = context.resolve(src).normalize();
            if (!Files.exists(p)) continue;
            try (var files = Files.walk(p)) {
                for (Path f : files.sorted().toList()) {
                    b.append(context.relativize(f)).append(':');
                    if (Files.isRegularFile(f)) b.append(ImageStore.sha256(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)));
                    b.append('\n');
                }
            } catch (IOException e) {
                throw new EngineException("cannot read " + p + " from the build context: " + e.getMessage(), e);
            }
        }
        return ImageStore.sha256(b.toString());
    }

    private Map<String, String> readCache() {
        if (!Files.exists(cacheFile)) return new HashMap<>();
        try {
            return JSON.readValue(cacheFile.toFile(), new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            return new HashMap<>(); // a damaged cache only costs a rebuild
        }
    }

    private void writeCache(Map<String, String> cache) {
        try {
            Files.createDirectories(cacheFile.getParent());
            AtomicFile.write(cacheFile, tmp -> JSON.writeValue(tmp.toFile(), cache));
        } catch (IOException e) {
            throw new EngineException("cannot write the build cache " + cacheFile + ": " + e.getMessage(), e);
        }
    }
}
