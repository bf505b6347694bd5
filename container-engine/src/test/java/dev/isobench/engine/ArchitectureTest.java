package dev.isobench.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages as a DAG, lowest first; docs/architecture.md draws the same table. sys: libc, spawning and
 * the exception; files: atomic writes, copies, safe deletes, the packed binaries; proc: /proc read; plan: the
 * steps the C stage runs (its wire vocabulary); seccomp: BPF and Docker's profile format; spec: what a container
 * is; cgroup, net, image: the resources a container gets, each on its own; rootfs: a root from an image; state: a
 * container's directory, record and lock; compile: a spec made into the stage's plan (mounts, seccomp); launch: the
 * monitors spawned and spoken to; runtime: containers made and run; build: images made by running containers; the root: the Engine facade; oci: the OCI
 * runtime's bundles and verbs over the facade; cli: commands; server: the resident engine that serves them.
 */
class ArchitectureTest {
    static final List<List<String>> LEVELS = List.of(List.of("sys"), List.of("files", "proc"), List.of("plan", "seccomp"), List.of("spec"),
            List.of("cgroup", "net", "image"), List.of("rootfs", "state"), List.of("compile", "launch"), List.of("runtime"), List.of("build"), List.of(""),
            List.of("oci"), List.of("cli"), List.of("server"));
    private static final JavaClasses MAIN = Layering.mainClasses("dev.isobench.engine");

    @Test
    void noPackageCycle() {
        Layering.freeOfCycles("dev.isobench.engine").check(MAIN);
    }

    /** docs/architecture.md draws these levels, package by package: a new package or level changes both. */
    @Test
    void theArchitectureDocumentDrawsTheseLevels() {
        assertEquals(LEVELS, Layering.documentedLevels(java.nio.file.Path.of("../docs/architecture.md"), "container-engine"));
    }

    @Test
    void eachPackageUsesOnlyTheLevelsBelowIt() {
        Layering.layered("dev.isobench.engine", LEVELS).check(MAIN);
    }

    @Test
    void theEngineKnowsNothingOfTheBenchmarksOrReports() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.isobench.bench..", "dev.isobench.report..").check(MAIN);
    }

    /** The rules can fail: two fixture packages that use each other break both. */
    @Test
    void aCycleAndAnUpwardImportAreCaught() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.isobench.engine.archfixture");
        assertThrows(AssertionError.class, () -> Layering.freeOfCycles("dev.isobench.engine.archfixture").check(fixture));
        assertThrows(AssertionError.class, () -> Layering.layered("dev.isobench.engine.archfixture", List.of(List.of("low"), List.of("high"))).check(fixture));
    }
}
