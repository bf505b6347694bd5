package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.Json.bool;
import static dev.isobench.engine.oci.Json.error;
import static dev.isobench.engine.oci.Json.number;
import static dev.isobench.engine.oci.Json.objects;
import static dev.isobench.engine.oci.Json.only;
import static dev.isobench.engine.oci.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isobench.engine.cgroup.DeviceRules;
import dev.isobench.engine.spec.CpuQuota;
import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.DeviceRule;
import dev.isobench.engine.spec.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/** config.json's {@code linux.resources} (also update's): cpu, memory, pids, block I/O rates and the device rules, as the engine's {@link Limits}. */
final class ResourcesSection {
    private ResourcesSection() {}

    /**
     * {@code linux.resources} as the engine's limits. A device rule list is honoured when it is the default
     * allow-list (deny all, then the usual nodes) or allows every device ({@code onAllDevices}).
     */
    static Limits resources(JsonNode r, String path, Consumer<Boolean> onAllDevices, List<String> warnings) {
        only(r, path, Set.of("devices", "memory", "cpu", "pids", "blockIO"));
        Limits.Builder l = Limits.builder();
        l.deviceRules(devices(r, path, onAllDevices));
        JsonNode mem = r.path("memory");
        only(mem, path + ".memory", Set.of("limit", "reservation", "swap", "useHierarchy", "checkBeforeUpdate", "kernel", "kernelTCP", "swappiness",
                "disableOOMKiller"));
        // kernel memory limits: deprecated, and gone from kernels since 5.16 (and from cgroup v2 always); runc accepts them
        // and warns, as here
        for (String field : List.of("kernel", "kernelTCP")) {
            Long kernel = number(mem, path + ".memory", field);
            if (kernel != null && kernel != 0) warnings.add(path + ".memory." + field + " is not applied: kernel memory limits are deprecated and this"
                    + " kernel has none (the memory limit counts kernel memory)");
        }
        Long limit = number(mem, path + ".memory", "limit");
        if (limit != null && limit > 0) l.memory(limit);
        Long reservation = number(mem, path + ".memory", "reservation");
        if (reservation != null && reservation > 0) l.memoryReservation(reservation);
        Long swap = number(mem, path + ".memory", "swap");
        if (swap != null && swap != 0) l.memorySwap(swap);
        Long swappiness = number(mem, path + ".memory", "swappiness");
        if (swappiness != null) l.memorySwappiness(OptionalLong.of(swappiness));
        if (mem.has("disableOOMKiller") && !mem.path("disableOOMKiller").isNull()) l.oomKillDisable(Optional.of(bool(mem, path + ".memory", "disableOOMKiller")));
        JsonNode cpu = r.path("cpu");
        only(cpu, path + ".cpu", Set.of("shares", "quota", "period", "cpus", "mems", "realtimePeriod", "realtimeRuntime", "idle"));
        Long rtPeriod = number(cpu, path + ".cpu", "realtimePeriod");
        Long rtRuntime = number(cpu, path + ".cpu", "realtimeRuntime");
        l.cpuRealtime(rtPeriod == null || rtPeriod == 0 ? OptionalLong.empty() : OptionalLong.of(rtPeriod),
                rtRuntime == null || rtRuntime == 0 ? OptionalLong.empty() : OptionalLong.of(rtRuntime));
        Long idle = number(cpu, path + ".cpu", "idle");
        if (idle != null && idle != 0) throw error(path + ".cpu.idle", "SCHED_IDLE groups are not set by the isobench engine");
        Long shares = number(cpu, path + ".cpu", "shares");
        if (shares != null && shares > 0) l.cpuShares(shares);
        Long quota = number(cpu, path + ".cpu", "quota");
        Long period = number(cpu, path + ".cpu", "period");
        try {
            if (quota != null && quota > 0) l.cpu(new CpuQuota(quota, period == null || period == 0 ? CpuQuota.DEFAULT_PERIOD : period));
        } catch (IllegalArgumentException e) {
            throw error(path + ".cpu", e.getMessage());
        }
        String cpus = text(cpu, path + ".cpu", "cpus", "");
        if (!cpus.isEmpty()) l.cpusetCpus(cpus);
        String mems = text(cpu, path + ".cpu", "mems", "");
        if (!mems.isEmpty()) l.cpusetMems(mems);
        JsonNode pids = r.path("pids");
        only(pids, path + ".pids", Set.of("limit"));
        Long max = number(pids, path + ".pids", "limit");
        if (max != null && max > 0) l.pids(max);
        JsonNode io = r.path("blockIO");
        only(io, path + ".blockIO", Set.of("throttleReadBpsDevice", "throttleWriteBpsDevice"));
        l.readBps(rates(io, path + ".blockIO", "throttleReadBpsDevice"));
        l.writeBps(rates(io, path + ".blockIO", "throttleWriteBpsDevice"));
        return l.build();
    }

    /**
     * The rules after the engine's default list (Docker's), in order; the leading deny-all and the rules the default
     * list already holds add nothing. Allowing every device ({@code a}) is {@code onAllDevices}.
     */
    static List<DeviceRule> devices(JsonNode r, String path, Consumer<Boolean> onAllDevices) {
        List<DeviceRule> out = new ArrayList<>();
        List<JsonNode> rules = objects(r, path, "devices");
        for (int i = 0; i < rules.size(); i++) {
            String at = path + ".devices[" + i + "]";
            JsonNode d = rules.get(i);
            only(d, at, Set.of("allow", "type", "major", "minor", "access"));
            String type = text(d, at, "type", "a");
            String access = text(d, at, "access", "rwm");
            Long major = number(d, at, "major");
            Long minor = number(d, at, "minor");
            boolean everyDevice = type.equals("a") && major == null && minor == null;
            String rule = type + " " + (major == null || major < 0 ? "*" : major) + ":" + (minor == null || minor < 0 ? "*" : minor) + " " + access;
            boolean allow = bool(d, at, "allow");
            if (everyDevice && !allow && out.isEmpty()) continue; // deny all first: where the engine starts
            if (everyDevice && allow) {
                onAllDevices.accept(true);
                continue;
            }
            if (allow && DeviceRules.allowedByDefault(rule)) continue;
            try {
                out.add(new DeviceRule(allow, everyDevice ? "a" : rule));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return out;
    }

    static List<DeviceRate> rates(JsonNode io, String path, String field) {
        List<DeviceRate> out = new ArrayList<>();
        for (JsonNode d : objects(io, path, field)) {
            only(d, path + "." + field, Set.of("major", "minor", "rate"));
            out.add(new DeviceRate(d.path("major").asInt(), d.path("minor").asInt(), d.path("rate").asLong()));
        }
        return out;
    }
}
