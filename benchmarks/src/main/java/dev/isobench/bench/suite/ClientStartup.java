package dev.isobench.bench.suite;

import dev.isobench.bench.targets.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The startup suite's client-runtime rows: podman and Docker over each OCI runtime, and isobench's runtime alone, in turns of their own. */
final class ClientStartup {
    private static final String NAME = StartupSuite.NAME;
    private static final List<String> TRUE = StartupSuite.TRUE;

    private ClientStartup() {}

    /**
     * The same client over each runtime, taken in shuffled turns among themselves: podman and docker over runc, crun
     * and isobench's OCI runtime ({@code isobench oci}, a JVM per verb), and that runtime's own {@code run} of a
     * bundle. Each row's ratio to the runtime alone (runc and crun from the main turns) says what the client adds
     * over the runtime; the rows over isobench say what a JVM per verb costs a client that calls create, start and
     * delete (and, for podman, state) one by one.
     */
    static void run(SuiteContext ctx, Map<String, double[]> plain) {
        ctx.progress().step(NAME, "start-to-exit of clients over runtimes");
        List<Target> usable = new ArrayList<>();
        for (Target t : ctx.clientTargets()) {
            boolean jvmPerVerb = t.variant().equals("isobench-jvm") || t.name().equals("isobench-runtime") && t.variant().isEmpty();
            if (jvmPerVerb && !ctx.profile().name().equals("full")) { // a JVM per verb: seconds a run, the full profile's
                ctx.skip(NAME, "client-runtime on " + t.label(), "a JVM per verb is measured in the full profile");
                continue;
            }
            var warm = t.run(TRUE);
            if (warm.exitCode() != 0) ctx.skip(NAME, "client-runtime on " + t.label(), "it exited " + warm.exitCode() + ": " + warm.stderr().trim());
            else usable.add(t);
        }
        if (usable.isEmpty()) return;
        int n = ctx.profile().startup().cliRuns();
        Map<Target, double[]> samples = new LinkedHashMap<>();
        usable.forEach(t -> samples.put(t, new double[n]));
        TurnOrder<Target> order = new TurnOrder<>(usable);
        for (int i = 0; i < n; i++) {
            for (Target t : order.next()) samples.get(t)[i] = t.run(TRUE).requireSuccess(t.label()).nanos();
        }
        Map<String, double[]> alone = new HashMap<>();
        if (plain.containsKey("runc")) alone.put("runc", plain.get("runc"));
        if (plain.containsKey("crun")) alone.put("crun", plain.get("crun"));
        // isobench alone: its verbs through the resident engine (what a client calls), or a JVM's whole run
        usable.stream().filter(t -> t.name().equals("isobench-runtime"))
                .forEach(t -> alone.put(t.variant().equals("resident") ? "isobench" : "isobench-jvm", samples.get(t)));
        double[] runcVerbs = usable.stream().filter(t -> t.name().equals("runc") && t.variant().equals("verbs")).map(samples::get).findFirst().orElse(null);
        for (Target t : usable) {
            Rows.Key k = new Rows.Key(NAME, "client-runtime", t.name(), t.variant(), "");
            Rows.summary(ctx, k, "ms", Rows.millis(samples.get(t)));
            Rows.hlog(ctx, k, samples.get(t));
            boolean oci = t.name().equals("isobench-runtime") || t.name().equals("runc");
            if (!oci && alone.containsKey(t.variant())) Rows.ratio(ctx, k, t.variant(), alone.get(t.variant()), samples.get(t));
            // create, start and delete through the client against runc's three calls
            if (t.name().equals("isobench-runtime") && t.variant().equals("resident") && runcVerbs != null) {
                Rows.ratio(ctx, k, "runc-verbs", runcVerbs, samples.get(t));
            }
        }
    }

}
