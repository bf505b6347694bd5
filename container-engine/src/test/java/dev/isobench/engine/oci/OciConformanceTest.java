package dev.isobench.engine.oci;

import dev.isobench.engine.TestEngine;
import dev.isobench.engine.oci.OciChecks.Check;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;

/**
 * A runtime-neutral conformance check: every statement of {@link OciChecks} and {@link OciCgroupChecks} on the
 * isobench engine, where each must hold, and on runc where it is installed, as the baseline. A statement runc keeps
 * on this host and isobench breaks is a regression; one runc breaks here shows as skipped on runc, with why, so a
 * host's difference is on record without failing the build. crun's own suite stays in scripts/oci-conformance.
 */
@Tag("integration")
class OciConformanceTest {
    @RegisterExtension
    final TestEngine test = new TestEngine();

    @TestFactory
    Stream<DynamicNode> statements() throws IOException {
        Path work = Files.createDirectories(test.root().resolve("conformance"));
        ConformanceRuntime isobench = ConformanceRuntime.isobench(work.resolve("isobench"), test.root());
        Optional<ConformanceRuntime> runc = ConformanceRuntime.runc(work.resolve("runc"));
        List<Check> checks = new ArrayList<>(OciChecks.ALL);
        checks.addAll(OciCgroupChecks.ALL);
        Map<String, String> table = new LinkedHashMap<>();
        List<DynamicNode> tests = new ArrayList<>();
        for (Check c : checks) {
            tests.add(DynamicTest.dynamicTest("isobench: " + c.statement(), () -> {
                try {
                    c.body().verify(isobench);
                    table.merge(c.statement(), "isobench keeps", (a, b) -> a + "; " + b);
                } catch (AssertionError e) {
                    table.merge(c.statement(), "isobench BREAKS", (a, b) -> a + "; " + b);
                    String baseline = runc.map(r -> baseline(c, r)).orElse("runc is not installed here");
                    throw new AssertionError(e.getMessage() + " (" + baseline + ")", e);
                }
            }));
            runc.ifPresent(r -> tests.add(DynamicTest.dynamicTest("runc: " + c.statement(), () -> {
                try {
                    c.body().verify(r);
                    table.merge(c.statement(), "runc keeps", (a, b) -> a + "; " + b);
                } catch (AssertionError e) {
                    table.merge(c.statement(), "runc breaks", (a, b) -> a + "; " + b);
                    throw new TestAbortedException("runc does not keep this on this host: " + e.getMessage());
                }
            })));
        }
        tests.add(DynamicTest.dynamicTest("nothing of isobench's left", test::assertNoLeftovers));
        tests.add(DynamicTest.dynamicTest("the table of statements is written", () -> writeTable(table)));
        return tests.stream();
    }

    /** target/oci-conformance.txt: each statement and what each runtime did with it on this host. */
    private static void writeTable(Map<String, String> table) throws IOException {
        StringBuilder out = new StringBuilder();
        table.forEach((statement, outcome) -> out.append(outcome).append(" | ").append(statement).append('\n'));
        Files.writeString(Path.of("target", "oci-conformance.txt"), out.toString());
    }

    private static String baseline(Check c, ConformanceRuntime runc) {
        try {
            c.body().verify(runc);
            return "runc keeps it on this host: a regression";
        } catch (Exception | AssertionError e) {
            return "runc does not keep it here either: " + e.getMessage();
        }
    }
}
