package dev.isobench.report;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** reports reads result directories only: it knows nothing of the engine or the benchmarks (DESIGN.md, section 1). */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.isobench.report");

    @Test
    void noPackageCycle() {
        slices().matching("dev.isobench.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void reportsKnowNothingOfTheEngineOrTheBenchmarks() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.isobench.engine..", "dev.isobench.bench..").check(MAIN);
    }
}
