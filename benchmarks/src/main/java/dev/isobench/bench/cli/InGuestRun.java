package dev.isobench.bench.cli;

import dev.isobench.bench.host.HostFacts;
import dev.isobench.bench.suite.Profile;
import dev.isobench.bench.suite.Progress;
import dev.isobench.bench.targets.KvmCheck;
import dev.isobench.bench.targets.Targets;
import dev.isobench.bench.vm.Guest;
import dev.isobench.bench.vm.Qemu;
import dev.isobench.engine.Engine;
import dev.isobench.engine.files.SafeDelete;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code isobench run --in-guest}: the same run inside a guest of this host (the vm target's kernel, cgroup v2
 * alone, the host's files read-only, see {@link Guest}), whose results come back as a results directory of their
 * own, its manifest saying {@code guest_of} this host and the accelerator, so {@code compare} lines up host and
 * guest like two hosts. No vm target inside the guest (no nested VM) unless asked for by name.
 */
final class InGuestRun {
    private InGuestRun() {}

    /**
     * The guest's console as the user's progress: its runner redraws one line with escape codes (on a serial console
     * they arrive as text), so each part between them that says something is told once, prefixed.
     */
    private static void tell(String line, Progress progress) {
        for (String part : line.split("\u001b\\[K|\r")) {
            String p = part.strip();
            if (p.isEmpty() || p.startsWith("@@") || p.matches("\\[ *\\d+\\.\\d+\\].*")) continue; // the guest init's frames, kernel messages
            progress.message("guest: " + p);
        }
    }

    /** @param runArgs the run's own options, as the guest's isobench takes them (profile, suites, targets, seccomp) */
    static Path run(Engine engine, Profile profile, List<String> runArgs, Path dir, Optional<Path> vmKernel, Progress progress) {
        Qemu installed = Qemu.find();
        Path kernel = Qemu.kernel(vmKernel, engine.root());
        Path probe = engine.binaries().probe();
        Path results = dir.toAbsolutePath();
        Path job = results.resolveSibling(results.getFileName() + ".guest-job");
        try {
            if (Files.exists(results)) throw new IllegalStateException("--out " + results + " exists: give a new directory");
            Files.createDirectories(job);
            Qemu qemu = KvmCheck.settle(installed, kernel, probe, job.resolve("kvm-check"), engine.root().resolve("vm").resolve(Targets.KVM_VERDICT),
                    KvmCheck.DEADLINE);
            Guest guest = Guest.of(qemu, kernel);
            String hostname = HostFacts.hostname().replaceAll("[^A-Za-z0-9.-]", "-") + "-guest";
            List<String> argv = new ArrayList<>(List.of("exec", "java", "-Djava.io.tmpdir=/var/tmp", "-Xmx512m", "-XX:+UseSerialGC", "-cp", "'" + Guest.classPath() + "'",
                    Isobench.class.getName(), "run"));
            argv.addAll(runArgs.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
            argv.addAll(List.of("--out", job.resolve("results").toString(), "--no-report", "--guest-of", "'" + HostFacts.hostname() + "'",
                    "--guest-accelerator", "'" + qemu.variant() + ": " + qemu.accelNote().replace("'", "") + "'"));
            progress.message("isobench run --in-guest: booting " + kernel + " under " + qemu.accelerator() + " (" + qemu.accelNote()
                    + "), cgroup v2 alone; the guest's progress follows");
            Duration deadline = Duration.ofSeconds(profile.budgetSeconds() * 2L + 600);
            Guest.Outcome o = guest.run(probe, job, String.join(" ", argv) + "\n", deadline, hostname,
                    line -> tell(line, progress));
            if (o.exitCode() == -1) throw new IllegalStateException("the guest did not finish within " + deadline.toSeconds() + " s and was killed; its console is in " + job);
            if (!Files.isDirectory(job.resolve("results"))) {
                throw new IllegalStateException("the guest's run exited " + o.exitCode() + " with no results: " + Guest.why(o) + " (its console is in " + job + ")");
            }
            Files.move(job.resolve("results"), results);
            Files.move(job.resolve("console.log"), results.resolve("guest-console.log"));
            SafeDelete.tree(job);
            if (o.exitCode() != 0) progress.message("the guest's run exited " + o.exitCode() + "; what it wrote is in " + results);
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
