package dev.isobench.engine.seccomp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A seccomp profile in Docker's JSON format (moby/profiles/seccomp), compiled to classic BPF for x86_64:
 * {@code defaultAction} (with {@code defaultErrnoRet}), and {@code syscalls} rules with {@code names},
 * {@code action}, {@code errnoRet}, {@code args} (index, value, valueTwo, op) and {@code includes} /
 * {@code excludes} on {@code caps} and {@code arches}. Names this architecture does not have are skipped,
 * as libseccomp does. Each name compiles to its own compare-and-return, so no jump is ever longer than one
 * rule's argument checks (classic BPF jumps reach 255), and the kernel's per-syscall cache still applies to
 * rules without arguments.
 */
public final class DockerSeccompProfile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LD = Bpf.LD_ABS, JEQ = Bpf.JEQ, JGT = Bpf.JGT, JGE = Bpf.JGE,
            RET = Bpf.RET, ALU_AND_K = Bpf.ALU_AND_K;

    private DockerSeccompProfile() {}

    /** Checks a profile without compiling it for a container; the message names what is wrong. */
    public static void validate(String json) {
        compile(json, Set.of());
    }

    /** @param caps the container's effective capabilities ("SYS_ADMIN", ...), for includes/excludes */
    public static String compile(String json, Set<String> caps) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("seccomp profile is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("seccomp profile must be a JSON object");
        int defaultErrno = root.path("defaultErrnoRet").asInt(1);
        int defaultRet = action(text(root, "defaultAction", "the profile"), defaultErrno, "defaultAction");
        List<int[]> p = new ArrayList<>();
        p.add(new int[] {LD, 0, 0, 4});
        p.add(new int[] {JEQ, 1, 0, Bpf.AUDIT_ARCH_X86_64});
        p.add(new int[] {RET, 0, 0, Bpf.RET_KILL_PROCESS});
        p.add(new int[] {LD, 0, 0, 0});
        p.add(new int[] {JGE, 0, 1, 0x40000000}); // the x32 ABI: the default action, as for any call not named
        p.add(new int[] {RET, 0, 0, defaultRet});
        int ruleNo = 0;
        for (JsonNode rule : root.path("syscalls")) {
            ruleNo++;
            String where = "syscalls[" + (ruleNo - 1) + "]";
            int ret = action(text(rule, "action", where), rule.path("errnoRet").asInt(1), where + ".action");
            if (!applies(rule.path("includes"), caps, true) || !applies(rule.path("excludes"), caps, false)) continue;
            List<int[]> argBlock = args(rule.path("args"), where);
            List<String> names = new ArrayList<>();
            rule.path("names").forEach(n -> names.add(n.asText()));
            if (rule.has("name")) names.add(rule.get("name").asText());
            if (names.isEmpty()) throw new IllegalArgumentException("seccomp profile: " + where + " names no syscall");
            for (String name : names) {
                Integer nr = SyscallTable.number(name);
                if (nr == null) continue;
                if (argBlock.isEmpty()) {
                    p.add(new int[] {JEQ, 0, 1, nr});
                    p.add(new int[] {RET, 0, 0, ret});
                } else {
                    // JEQ nr | arg checks (a failed one jumps to the reload) | RET | reload nr
                    int size = argBlock.size();
                    p.add(new int[] {JEQ, 0, checkJump(size + 2), nr});
                    for (int i = 0; i < size; i++) {
                        int[] in = argBlock.get(i).clone();
                        int toReload = size - i; // the RET, then the reload
                        if (in[1] == FAIL) in[1] = checkJump(toReload);
                        if (in[2] == FAIL) in[2] = checkJump(toReload);
                        p.add(in);
                    }
                    p.add(new int[] {RET, 0, 0, ret});
                    p.add(new int[] {LD, 0, 0, 0});
                }
            }
        }
        p.add(new int[] {RET, 0, 0, defaultRet});
        if (p.size() > 4096) throw new IllegalArgumentException("seccomp profile compiles to " + p.size() + " instructions; the kernel takes 4096");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            int[] in = p.get(i);
            b.append(i == 0 ? "" : ";").append(in[0]).append(',').append(in[1]).append(',').append(in[2]).append(',').append(Integer.toUnsignedString(in[3]));
        }
        return b.toString();
    }

    /** Marks a jump to "this rule's arguments do not match". */
    private static final int FAIL = -1;

    /**
     * All conditions must hold (libseccomp ANDs the args of one rule). Each compares the 64-bit argument as
     * two 32-bit words, high word first; a jump target of FAIL means the rule does not apply.
     */
    private static List<int[]> args(JsonNode args, String where) {
        List<int[]> block = new ArrayList<>();
        int n = 0;
        for (JsonNode a : args) {
            String at = where + ".args[" + n++ + "]";
            int index = a.path("index").asInt(-1);
            if (index < 0 || index > 5) throw new IllegalArgumentException("seccomp profile: " + at + ".index must be 0..5");
            long value = a.path("value").asLong();
            long two = a.path("valueTwo").asLong();
            String op = text(a, "op", at);
            int lo = 16 + 8 * index, hi = lo + 4;
            int vHi = (int) (value >>> 32), vLo = (int) value;
            switch (op) {
                case "SCMP_CMP_EQ" -> {
                    block.add(new int[] {LD, 0, 0, hi});
                    block.add(new int[] {JEQ, 0, FAIL, vHi});
                    block.add(new int[] {LD, 0, 0, lo});
                    block.add(new int[] {JEQ, 0, FAIL, vLo});
                }
                case "SCMP_CMP_NE" -> { // fails only when both words are equal
                    block.add(new int[] {LD, 0, 0, hi});
                    block.add(new int[] {JEQ, 0, 2, vHi});
                    block.add(new int[] {LD, 0, 0, lo});
                    block.add(new int[] {JEQ, FAIL, 0, vLo});
                }
                case "SCMP_CMP_MASKED_EQ" -> { // (arg & value) == valueTwo
                    block.add(new int[] {LD, 0, 0, hi});
                    block.add(new int[] {ALU_AND_K, 0, 0, vHi});
                    block.add(new int[] {JEQ, 0, FAIL, (int) (two >>> 32)});
                    block.add(new int[] {LD, 0, 0, lo});
                    block.add(new int[] {ALU_AND_K, 0, 0, vLo});
                    block.add(new int[] {JEQ, 0, FAIL, (int) two});
                }
                case "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_LT", "SCMP_CMP_LE" -> {
                    // hi > vHi decides yes (GT/GE) or no (LT/LE); hi == vHi falls to the low word
                    boolean greater = op.equals("SCMP_CMP_GT") || op.equals("SCMP_CMP_GE");
                    block.add(new int[] {LD, 0, 0, hi});
                    block.add(new int[] {JGT, greater ? 3 : FAIL, 0, vHi});
                    block.add(new int[] {JEQ, 0, greater ? FAIL : 2, vHi});
                    block.add(new int[] {LD, 0, 0, lo});
                    switch (op) {
                        case "SCMP_CMP_GT" -> block.add(new int[] {JGT, 0, FAIL, vLo});
                        case "SCMP_CMP_GE" -> block.add(new int[] {JGE, 0, FAIL, vLo});
                        case "SCMP_CMP_LT" -> block.add(new int[] {JGE, FAIL, 0, vLo});
                        default -> block.add(new int[] {JGT, FAIL, 0, vLo});
                    }
                }
                default -> throw new IllegalArgumentException("seccomp profile: " + at + ".op '" + op + "' is not one of SCMP_CMP_EQ, NE, LT, LE, GT, GE, MASKED_EQ");
            }
        }
        return block;
    }

    /** Resolves FAIL markers relative to each instruction once the block's place is known (done by the caller). */
    private static int checkJump(int n) {
        if (n > 255) throw new IllegalArgumentException("seccomp profile: a rule's argument checks are too long for classic BPF");
        return n;
    }

    /** includes: every listed cap must be held and the arch listed; excludes: none of the caps held, arch not listed. */
    private static boolean applies(JsonNode cond, Set<String> caps, boolean include) {
        if (cond.isMissingNode() || cond.isNull()) return true;
        List<String> need = new ArrayList<>();
        cond.path("caps").forEach(c -> need.add(c.asText().toUpperCase().replaceFirst("^CAP_", "")));
        List<String> arches = new ArrayList<>();
        cond.path("arches").forEach(a -> arches.add(a.asText()));
        boolean archMatch = arches.contains("amd64") || arches.contains("x86_64") || arches.contains("SCMP_ARCH_X86_64");
        if (include) return caps.containsAll(need) && (arches.isEmpty() || archMatch);
        return need.stream().noneMatch(caps::contains) && (arches.isEmpty() || !archMatch);
    }

    private static int action(String name, int errno, String where) {
        return switch (name) {
            case "SCMP_ACT_ALLOW" -> Bpf.RET_ALLOW;
            case "SCMP_ACT_ERRNO" -> 0x00050000 | (errno & 0xffff);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0x00000000;
            case "SCMP_ACT_KILL_PROCESS" -> Bpf.RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_LOG" -> 0x7ffc0000;
            case "SCMP_ACT_TRACE" -> 0x7ff00000 | (errno & 0xffff);
            default -> throw new IllegalArgumentException("seccomp profile: " + where + " '" + name + "' is not a seccomp action"
                    + " (SCMP_ACT_ALLOW, ERRNO, KILL, KILL_PROCESS, KILL_THREAD, TRAP, LOG, TRACE)");
        };
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("seccomp profile: " + where + " has no " + field);
        return v.asText();
    }
}
