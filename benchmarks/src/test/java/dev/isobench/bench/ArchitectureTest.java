package dev.isobench.bench;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.isobench.engine.Layering;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' packages as a DAG, lowest first; docs/architecture.md draws the same table (ArchitectureDocTest).
 * vm: QEMU, the initramfs, the serial frames and the KVM check; host: facts about the machine; jmh: the JMH
 * benchmarks; process: whole processes timed from spawn to exit; workspace: a run's scratch and what a killed run
 * left; targets: where a workload runs (host, engine, peers, vm); suite: the suites, their profile, budget and
 * runner; fleet: runs across hosts on Ansible; cli: the isobench command.
 */
class ArchitectureTest {
    static final List<List<String>> LEVELS = List.of(List.of("vm", "host", "jmh", "process", "workspace", "explain"), List.of("targets"), List.of("app"), List.of("suite", "fleet"), List.of("cli"));
    private static final JavaClasses MAIN = Layering.mainClasses("dev.isobench.bench");

    @Test
    void noPackageCycle() {
        Layering.freeOfCycles("dev.isobench.bench").check(MAIN);
    }

    /** docs/architecture.md draws these levels, package by package: a new package or level changes both. */
    @Test
    void theArchitectureDocumentDrawsTheseLevels() {
        assertEquals(LEVELS, Layering.documentedLevels(java.nio.file.Path.of("../docs/architecture.md"), "benchmarks"));
    }

    @Test
    void eachPackageUsesOnlyTheLevelsBelowIt() {
        Layering.layered("dev.isobench.bench", LEVELS).check(MAIN);
    }

    /**
     * The engine packages the benchmarks may use: its facade, what a container is (spec), containers themselves
     * (runtime) and the resources and images the suites measure, and the small utilities (sys, files, proc, and the
     * system call table in seccomp, which names what perf counts). Never its
     * state files, plan compiler, monitors, OCI runtime, builder or resident engine.
     */
    static final List<String> ENGINE_API = List.of("dev.isobench.engine", "dev.isobench.engine.spec..", "dev.isobench.engine.runtime..",
            "dev.isobench.engine.cgroup..", "dev.isobench.engine.image..", "dev.isobench.engine.net..", "dev.isobench.engine.rootfs..",
            "dev.isobench.engine.plan..", "dev.isobench.engine.sys..", "dev.isobench.engine.files..", "dev.isobench.engine.proc..",
            "dev.isobench.engine.seccomp..");

    @Test
    void theBenchmarksUseOnlyTheEnginesApiPackages() {
        noClasses().that().resideOutsideOfPackage("dev.isobench.bench.cli..").should().dependOnClassesThat(
                resideInAPackage("dev.isobench.engine..").and(not(resideInAnyPackage(ENGINE_API.toArray(String[]::new))))).check(MAIN);
    }

    /** The engine is used through its API, never through its command line's classes. */
    @Test
    void theBenchmarksDoNotUseTheEnginesCliInternals() {
        noClasses().that().resideOutsideOfPackage("dev.isobench.bench.cli..").should().dependOnClassesThat()
                .resideInAPackage("dev.isobench.engine.cli..").check(MAIN);
    }
}
