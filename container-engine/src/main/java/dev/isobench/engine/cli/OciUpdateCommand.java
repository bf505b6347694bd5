package dev.isobench.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.oci.ExecReader;
import dev.isobench.engine.spec.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "update", description = "Change a container's resource limits (--resources FILE or - for stdin, or flags).")
final class OciUpdateCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--resources", "-r"}, paramLabel = "FILE") String resources;
    @Option(names = {"--memory", "-m"}, paramLabel = "BYTES") Long memory;
    @Option(names = "--memory-swap", paramLabel = "BYTES") Long memorySwap;
    @Option(names = "--memory-reservation", paramLabel = "BYTES") Long memoryReservation;
    @Option(names = "--cpu-quota", paramLabel = "US") Long cpuQuota;
    @Option(names = "--cpu-period", paramLabel = "US") Long cpuPeriod;
    @Option(names = "--cpu-share", paramLabel = "N") Long cpuShares;
    @Option(names = "--cpuset-cpus", paramLabel = "LIST") String cpusetCpus;
    @Option(names = "--pids-limit", paramLabel = "N") Long pids;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws IOException {
        Limits limits;
        if (resources != null) {
            String text = resources.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(resources));
            JsonNode node = new ObjectMapper().readTree(text);
            java.util.List<String> warnings = new java.util.ArrayList<>();
            limits = ExecReader.resources(node, warnings);
            warnings.forEach(w -> oci.log("warning", w));
        } else {
            Limits.Builder b = Limits.builder();
            if (memory != null) b.memory(memory);
            if (memorySwap != null) b.memorySwap(memorySwap);
            if (memoryReservation != null) b.memoryReservation(memoryReservation);
            if (cpuQuota != null) b.cpu(new dev.isobench.engine.spec.CpuQuota(cpuQuota, cpuPeriod == null ? 100_000 : cpuPeriod));
            if (cpuShares != null) b.cpuShares(cpuShares);
            if (cpusetCpus != null) b.cpusetCpus(cpusetCpus);
            if (pids != null) b.pids(pids);
            limits = b.build();
        }
        oci.runtime().update(id, limits);
        return 0;
    }
}
