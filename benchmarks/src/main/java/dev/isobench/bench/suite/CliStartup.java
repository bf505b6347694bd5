package dev.isobench.bench.suite;

import dev.isobench.bench.process.Processes;
import dev.isobench.bench.targets.IsobenchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The startup suite's CLI rows: the engine's command line as a user runs it, a JVM per call (plain and with class-data sharing) and through the resident engine. */
final class CliStartup {
    private static final String NAME = StartupSuite.NAME;
    private static final List<String> TRUE = StartupSuite.TRUE;

    private CliStartup() {}

    /**
     * The CLI as a user runs it: a whole JVM per container, plain and with class-data sharing (an archive of
     * the classes one run loads, dumped by the warm-up run, as scripts/isobench does on first use).
     *
     * @param runc runc's start-to-exit samples from the main turns, or null: the CLI's stated bound
     */
    static void run(SuiteContext ctx, double[] host, double[] runc) {
        ctx.progress().step(NAME, "start-to-exit engine-cli");
        if (!ctx.wants("engine")) return;
        if (ctx.cliJar().isEmpty()) {
            ctx.skip(NAME, "engine-cli", "not running from the shaded jar, so there is no CLI to launch");
            return;
        }
        Path jsa = ctx.workspace().scratch().resolve("cli.jsa");
        Path classes = ctx.workspace().scratch().resolve("cli.classes");
        for (String variant : List.of("", "cds")) {
            List<String> jvm = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            if (transparentHugePages()) jvm.add("-XX:+UseTransparentHugePages"); // as scripts/isobench: see the comment there
            List<String> warm = new ArrayList<>(jvm);
            List<String> dump = new ArrayList<>(jvm);
            if (variant.equals("cds")) { // a static archive, as scripts/isobench makes: see the comment there
                warm.add("-XX:DumpLoadedClassList=" + classes);
                dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + jsa,
                        "-cp", ctx.cliJar().get().toString()));
                jvm.add("-XX:SharedArchiveFile=" + jsa);
            }
            List<String> args = List.of("-jar", ctx.cliJar().get().toString(),
                    "ctr", "--root", ctx.engine().root().toString(), "run", "--rm", "--net", "none", "--", "/probe", "true");
            warm.addAll(args);
            jvm.addAll(args);
            Processes.run(warm, ctx.workspace().scratch()).requireSuccess("isobench ctr run");
            if (variant.equals("cds")) Processes.run(dump, ctx.workspace().scratch()).requireSuccess("java -Xshare:dump");
            double[] samples = new double[ctx.profile().startup().cliRuns()];
            for (int i = 0; i < samples.length; i++) samples[i] = Processes.run(jvm, ctx.workspace().scratch()).requireSuccess("isobench ctr run").nanos();
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine-cli", variant, "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples));
            if (host != null) Rows.ratio(ctx, k, host, samples);
            if (runc != null) Rows.ratio(ctx, k, "runc", runc, samples);
        }
        resident(ctx, host, runc);
    }

    /**
     * The CLI through the resident engine: the thin C client, as scripts/isobench runs {@code ctr} calls, with the
     * engine started by the warm-up call (its start is not in the figure) and stopped after the samples.
     */
    private static void resident(SuiteContext ctx, double[] host, double[] runc) {
        Path dir = ctx.workspace().scratch().resolve("resident");
        IsobenchRuntime.write(dir);
        Path root = ctx.engine().root();
        List<String> call = List.of(IsobenchRuntime.ctrClient(dir).toString(), "--root", root.toString(), "run", "--rm", "--net", "none",
                "--", "/probe", "true"); // the client script puts 'ctr' first
        try {
            for (int i = 0; i < ctx.profile().startup().engineWarmups(); i++) Processes.run(call, ctx.workspace().scratch()).requireSuccess("isobench ctr run (resident)");
            double[] samples = new double[ctx.profile().startup().minRuns()];
            for (int i = 0; i < samples.length; i++) samples[i] = Processes.run(call, ctx.workspace().scratch()).requireSuccess("isobench ctr run (resident)").nanos();
            Rows.Key k = new Rows.Key(NAME, "start-to-exit", "engine-cli", "resident", "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples));
            Rows.hlog(ctx, k, samples);
            if (host != null) Rows.ratio(ctx, k, host, samples);
            if (runc != null) Rows.ratio(ctx, k, "runc", runc, samples);
        } catch (IllegalStateException e) { // the resident path broken here: said, and the run goes on
            ctx.skip(NAME, "start-to-exit on engine-cli/resident", e.getMessage());
        } finally {
            IsobenchRuntime.stopEngines(List.of(root));
        }
    }

    /** Whether the kernel backs madvised memory with huge pages (THP "always" or "madvise"). */
    private static boolean transparentHugePages() {
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException e) {
            return false;
        }
    }

}
