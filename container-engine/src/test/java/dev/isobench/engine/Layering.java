package dev.isobench.engine;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules each module's ArchitectureTest states over its compiled main classes: no package cycle, and every
 * package in a declared level that uses only the levels below it. Packages of one level do not use each other.
 */
public final class Layering {
    private Layering() {}

    /** The main classes (no tests) of the packages under base. */
    public static JavaClasses mainClasses(String base) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(base);
    }

    /** Every package under base, root included, free of cycles. */
    public static ArchRule freeOfCycles(String base) {
        int dot = base.lastIndexOf('.');
        // One slice per package: "engine", "engine.sys", ... (matching from the parent takes the base package in too).
        return slices().matching(base.substring(0, dot) + ".(**)").should().beFreeOfCycles();
    }

    /**
     * @param levels lowest first; each names packages relative to base ("" is base itself, without its subpackages)
     * @return the rule that a package may use only packages of lower levels, and that no class lies outside them
     */
    public static ArchRule layered(String base, List<List<String>> levels) {
        LayeredArchitecture arch = layeredArchitecture().consideringOnlyDependenciesInLayers().ensureAllClassesAreContainedInArchitecture();
        for (List<String> level : levels) {
            for (String p : level) arch = arch.layer(name(p)).definedBy(p.isEmpty() ? base : base + "." + p + "..");
        }
        for (int i = 0; i < levels.size(); i++) {
            List<String> above = new ArrayList<>();
            for (List<String> higher : levels.subList(i + 1, levels.size())) higher.forEach(p -> above.add(name(p)));
            for (String p : levels.get(i)) {
                arch = above.isEmpty() ? arch.whereLayer(name(p)).mayNotBeAccessedByAnyLayer()
                        : arch.whereLayer(name(p)).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            }
        }
        return arch;
    }

    /**
     * The levels docs/architecture.md draws for a module (the table under "### Layers of MODULE"), lowest first,
     * each the packages named in backquotes in its row, "" for "(the root)": what ArchitectureTest holds equal to
     * its own levels, so the document cannot drift from the code.
     */
    public static List<List<String>> documentedLevels(Path doc, String module) {
        List<String> lines;
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + doc + ": " + e.getMessage(), e);
        }
        int at = lines.indexOf("### Layers of " + module);
        if (at < 0) throw new AssertionError(doc + " has no section '### Layers of " + module + "'");
        List<List<String>> levels = new ArrayList<>();
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.isBlank() && !levels.isEmpty()) break;
            String[] cells = line.split("\\|");
            if (cells.length < 3 || !cells[1].trim().matches("\\d+")) continue;
            List<String> packages = new ArrayList<>();
            Matcher m = Pattern.compile("`([a-z]+)`").matcher(cells[2]);
            while (m.find()) packages.add(m.group(1));
            if (cells[2].contains("(the root)")) packages.add("");
            levels.add(packages);
        }
        return levels;
    }

    private static String name(String p) {
        return p.isEmpty() ? "(root)" : p;
    }
}
