package dev.isobench.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.TestEngine;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Building from a Dockerfile in real containers, its cache, and saving an image as an OCI layout tar. */
@Tag("integration")
class ImageBuildAndSaveTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private final List<String> log = new ArrayList<>();

    private ImageRecord build(Path dir, String dockerfile, boolean noCache) throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return t.engine().builder().build(dir.resolve("Dockerfile"), dir, "built:1", noCache, Map.of("GREETING", "hi"), log::add);
    }

    private Path context() throws Exception {
        Path dir = Files.createDirectories(t.root().resolve("ctx"));
        Files.writeString(dir.resolve("app.txt"), "from the context");
        return dir;
    }

    private static final String DOCKERFILE = String.join("\n",
            "# a comment",
            "FROM probe",
            "ARG GREETING=unset",
            "ENV MODE=test \\",
            "    OTHER=2",
            "WORKDIR /app",
            "COPY app.txt /app/",
            "RUN [\"/probe\", \"write\", \"/app/built\", \"$GREETING\"]",
            "LABEL org.example.suite=isobench",
            "EXPOSE 8080",
            "CMD [\"/probe\", \"cat\", \"/app/built\"]", "");

    @Test
    void aDockerfileBuildsTheExpectedLayersAndRuns() throws Exception {
        ImageRecord r = build(context(), DOCKERFILE, false);
        assertEquals(3, r.layers().size(), "base + COPY + RUN");
        assertEquals("/app", r.config().workdir());
        assertTrue(r.config().env().contains("MODE=test") && r.config().env().contains("OTHER=2"), r.config().env().toString());
        assertEquals(Map.of("org.example.suite", "isobench"), r.config().labels());
        assertEquals(List.of("8080/tcp"), r.config().exposedPorts());
        assertEquals("hi", t.run(ContainerSpec.builder().image("built:1")).stdout(), "the RUN step's write, by CMD");
        assertEquals("from the context", t.run(ContainerSpec.builder().image("built:1").command("/probe", "cat", "/app/app.txt")).stdout());
    }

    @Test
    void aSecondBuildHitsTheCacheAndNoCacheRunsAgain() throws Exception {
        Path ctx = context();
        ImageRecord first = build(ctx, DOCKERFILE, false);
        log.clear();
        ImageRecord second = build(ctx, DOCKERFILE, false);
        assertEquals(first.id(), second.id());
        assertTrue(log.stream().filter(l -> l.contains("cached:")).count() >= 5, log.toString());
        Files.writeString(ctx.resolve("app.txt"), "changed");
        log.clear();
        build(ctx, DOCKERFILE, false);
        assertEquals("changed", t.run(ContainerSpec.builder().image("built:1").command("/probe", "cat", "/app/app.txt")).stdout(), "a changed COPY source misses the cache");
        log.clear();
        build(ctx, DOCKERFILE, true);
        assertTrue(log.stream().noneMatch(l -> l.contains("cached:")), "--no-cache");
    }

    @Test
    void anUnknownInstructionOrAFailingRunNamesTheLineAndLeavesNothing() throws Exception {
        Path ctx = context();
        EngineException unknown = assertThrows(EngineException.class, () -> build(ctx, "FROM probe\nHEALTHCHECK none\n", false));
        assertTrue(unknown.getMessage().contains("line 2: unknown instruction 'HEALTHCHECK'"), unknown.getMessage());
        EngineException failing = assertThrows(EngineException.class,
                () -> build(ctx, "FROM probe\nCOPY app.txt /a\nRUN [\"/probe\", \"false\"]\n", false));
        assertTrue(failing.getMessage().contains("line 3: RUN /probe false failed with exit code 1"), failing.getMessage());
        assertTrue(t.engine().images().store().refs().isEmpty(), "no tag");
        assertTrue(t.engine().images().store().images().isEmpty(), "no partial image: " + t.engine().images().store().images());
        try (var s = Files.list(t.root().resolve("layers"))) {
            assertEquals(List.of(), s.filter(p -> !p.getFileName().toString().startsWith(".")).toList(), "no partial layer");
        }
    }

    @Test
    void aSavedImageImportsBackWithTheSameTreeIncludingWhiteouts() throws Exception {
        byte[] probe = Files.readAllBytes(t.engine().binaries().probe());
        byte[] lower = new OciArchive.Layer().dir("dev").dir("proc").dir("sys").dir("tmp").file("probe", probe, 0100755)
                .dir("etc").file("etc/a", "a").file("etc/b", "b").dir("d").file("d/x", "x").tar();
        byte[] upper = new OciArchive.Layer().dir("etc").file("etc/.wh.a", "").dir("d").file("d/.wh..wh..opq", "").file("d/z", "z")
                .link("etc/l", "b", TarArchiveEntry.LF_SYMLINK).tar();
        Path archive = t.root().resolve("orig.tar");
        OciArchive.writeOci(archive, "latest", List.of(lower, upper), true, null);
        new ImageImporter(t.engine().images().store(), false).importFrom(archive, Optional.of("orig:1"));
        Path saved = t.root().resolve("saved.tar");
        new ImageExporter(t.engine().images().store()).save("orig:1", saved);
        t.engine().images().store().remove("orig:1", t.engine().imagesInUse());
        List<ImageRecord> back = new ImageImporter(t.engine().images().store(), false).importFrom(saved, Optional.empty());
        assertEquals(2, back.get(0).layers().size());
        assertEquals(List.of("b", "l"), t.run(ContainerSpec.builder().image("orig:1").command("/probe", "ls", "/etc")).lines().stream().sorted().toList());
        assertEquals(List.of("z"), t.run(ContainerSpec.builder().image("orig:1").command("/probe", "ls", "/d")).lines());
        Path again = t.root().resolve("again.tar");
        new ImageExporter(t.engine().images().store()).save("orig:1", again);
        assertNotEquals(0, Files.size(again));
        assertEquals(new ImageImporter(t.engine().images().store(), false).importFrom(again, Optional.of("again:1")).get(0).layers(),
                back.get(0).layers(), "saving is deterministic: the same layers give the same digests");
    }
}
