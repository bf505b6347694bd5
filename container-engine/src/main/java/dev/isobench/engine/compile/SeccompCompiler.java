package dev.isobench.engine.compile;

import dev.isobench.engine.seccomp.Bpf;
import dev.isobench.engine.seccomp.DockerSeccompProfile;
import dev.isobench.engine.seccomp.SyscallTable;
import dev.isobench.engine.spec.Seccomp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles a {@link Seccomp} policy to classic BPF for x86_64 (seccomp(2), filter(2)). The program checks
 * the architecture, refuses the x32 ABI, searches the denied numbers, then checks clone's namespace flags.
 */
public final class SeccompCompiler {
    /** Argument values the no-op rules compare against: no real call passes them. */
    private static final int NOOP_BASE = 0x5eccbad0;
    /** No-op rules between two refusals: each rule's jump to its block's refusal must stay within 255. */
    private static final int NOOP_BLOCK = 250;
    /** Numbers a search tree's leaf compares one by one. */
    private static final int LEAF = 3;

    private SeccompCompiler() {}

    /** The program as "code,jt,jf,k" instructions joined by ';', the form the C stage parses. */
    public static String compile(Seccomp policy) {
        return compile(policy, Set.of());
    }

    /** @param caps the container's capabilities, which a Docker profile's includes/excludes may name */
    public static String compile(Seccomp policy, Set<String> caps) {
        if (!policy.dockerProfile().isEmpty()) return DockerSeccompProfile.compile(policy.dockerProfile(), caps);
        // Jumps to the shared tails (EPERM, ENOSYS, the checks after the search) are written as negative labels
        // first and turned into relative offsets at the end.
        List<int[]> p = new ArrayList<>();
        final int toEperm = -1;
        final int toEnosys = -2;
        final int toRest = -3;
        p.add(new int[] {Bpf.LD_ABS, 0, 0, 4});
        p.add(new int[] {Bpf.JEQ, 1, 0, Bpf.AUDIT_ARCH_X86_64});
        p.add(new int[] {Bpf.RET, 0, 0, Bpf.RET_KILL_PROCESS});
        if (policy.noopRules() > 0) {
            // Rules on an argument: the kernel cannot cache the verdict per syscall, so every call runs them all.
            // In blocks, each with a refusal of its own right after it: a classic BPF jump reaches 255 instructions.
            p.add(new int[] {Bpf.LD_ABS, 0, 0, 16});
            for (int first = 0; first < policy.noopRules(); first += NOOP_BLOCK) {
                int size = Math.min(NOOP_BLOCK, policy.noopRules() - first);
                for (int i = 0; i < size; i++) {
                    boolean last = i == size - 1; // the last rule's miss jumps over the block's refusal
                    p.add(new int[] {Bpf.JEQ, size - 1 - i, last ? 1 : 0, NOOP_BASE + first + i});
                }
                p.add(new int[] {Bpf.RET, 0, 0, Bpf.RET_EPERM});
            }
        }
        p.add(new int[] {Bpf.LD_ABS, 0, 0, 0});
        p.add(new int[] {Bpf.JGE, toEperm, 0, 0x40000000}); // the x32 ABI: refused like any denied call
        List<Integer> denied = new ArrayList<>();
        for (String name : policy.denied()) {
            Integer nr = SyscallTable.number(name);
            if (nr == null) throw new IllegalArgumentException("seccomp: unknown syscall " + name);
            denied.add(nr);
        }
        denied = denied.stream().distinct().sorted().toList();
        if (!denied.isEmpty()) searchTree(denied, p, toEperm, toRest);
        int rest = p.size();
        if (policy.denyNamespaceClone()) {
            p.add(new int[] {Bpf.JEQ, toEnosys, 0, 435}); // clone3
            p.add(new int[] {Bpf.JEQ, 0, 2, SyscallTable.number("clone")});
            p.add(new int[] {Bpf.LD_ABS, 0, 0, 16}); // args[0], the flags (low 32 bits)
            p.add(new int[] {Bpf.JSET, toEperm, 0, Bpf.NAMESPACE_FLAGS});
        }
        p.add(new int[] {Bpf.RET, 0, 0, Bpf.RET_ALLOW});
        int eperm = p.size();
        p.add(new int[] {Bpf.RET, 0, 0, Bpf.RET_EPERM});
        int enosys = p.size();
        p.add(new int[] {Bpf.RET, 0, 0, Bpf.RET_ENOSYS});
        int[] targets = {0, eperm, enosys, rest};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            int[] in = p.get(i);
            int jt = in[1] < 0 ? jump(targets[-in[1]] - i - 1) : in[1];
            int jf = in[2] < 0 ? jump(targets[-in[2]] - i - 1) : in[2];
            b.append(i == 0 ? "" : ";").append(in[0]).append(',').append(jt).append(',').append(jf).append(',').append(Integer.toUnsignedString(in[3]));
        }
        return b.toString();
    }

    /**
     * A binary search over the sorted numbers: a match jumps to {@code match}, a miss to {@code miss}. The kernel
     * runs the filter once for every syscall number when it is loaded, to cache the constant verdicts
     * (seccomp_cache_prepare, with interrupts off), so loading costs in proportion to the path each number walks: a
     * search walks about 8 instructions where the default profile's 55 numbers in a line walk 63 (the load times
     * are in docs/measurements.md).
     */
    private static void searchTree(List<Integer> numbers, List<int[]> p, int match, int miss) {
        if (numbers.size() <= LEAF) {
            for (int i = 0; i < numbers.size(); i++) {
                p.add(new int[] {Bpf.JEQ, match, i == numbers.size() - 1 ? miss : 0, numbers.get(i)});
            }
            return;
        }
        int half = numbers.size() / 2;
        int[] split = {Bpf.JGE, 0, 0, numbers.get(half)};
        p.add(split);
        int at = p.size();
        searchTree(numbers.subList(0, half), p, match, miss);
        split[1] = jump(p.size() - at);
        searchTree(numbers.subList(half, numbers.size()), p, match, miss);
    }

    private static int jump(int n) {
        if (n > 255) throw new IllegalArgumentException("seccomp filter too long for classic BPF jumps");
        return n;
    }
}
