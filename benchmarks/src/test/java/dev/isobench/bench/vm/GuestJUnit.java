package dev.isobench.bench.vm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes inside the guest and prints one line per test, {@code @@TEST ok|fail|skip NAME why}, for the host's
 * test to read from the console: the engine's own tests, run where cgroup v2 is the only hierarchy.
 */
public final class GuestJUnit {
    private GuestJUnit() {}

    public static void main(String[] classes) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (String c : classes) selectors.add(selectClass(c));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        TestExecutionListener printer = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) line("skip", id, reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                String why = result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
                line(result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "ok" : result.getStatus() == TestExecutionResult.Status.ABORTED ? "skip" : "fail", id, why);
            }
        };
        LauncherFactory.create().execute(request, printer);
    }

    private static void line(String outcome, TestIdentifier id, String why) {
        String name = id.getUniqueId().replaceAll(".*\\[class:([^\\]]*)].*\\[method:([^(\\]]*).*", "$1#$2").replaceAll(".*\\.", "");
        System.out.println("@@TEST " + outcome + " " + name + " " + why.replaceAll("\\s+", " "));
        System.out.flush();
    }
}
