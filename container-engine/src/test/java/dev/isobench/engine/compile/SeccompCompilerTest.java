package dev.isobench.engine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.seccomp.Bpf;
import dev.isobench.engine.seccomp.SyscallTable;
import dev.isobench.engine.spec.Seccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compiled filter, run by a small interpreter of the BPF subset it uses, decides as the policy says. */
class SeccompCompilerTest {
    private static final int CLONE_NEWUSER = 0x10000000;

    /** Runs the program on a seccomp_data {nr, arch, ip, args[0]} and returns the action. */
    static int run(String program, int nr, int arch, long arg0) {
        return execute(program, nr, arch, arg0)[0];
    }

    /** The action and how many instructions ran to reach it. */
    static int[] execute(String program, int nr, int arch, long arg0) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(16, arg0);
        String[] insns = program.split(";");
        int acc = 0;
        for (int pc = 0, ran = 1; pc < insns.length; pc++, ran++) {
            String[] f = insns[pc].split(",");
            int code = Integer.parseInt(f[0]);
            int jt = Integer.parseInt(f[1]);
            int jf = Integer.parseInt(f[2]);
            int k = Integer.parseUnsignedInt(f[3]);
            switch (code) {
                case Bpf.LD_ABS -> acc = data.getInt(k);
                case Bpf.JEQ -> pc += acc == k ? jt : jf;
                case Bpf.JGE -> pc += Integer.compareUnsigned(acc, k) >= 0 ? jt : jf;
                case Bpf.JSET -> pc += (acc & k) != 0 ? jt : jf;
                case Bpf.RET -> {
                    return new int[] {k, ran};
                }
                default -> throw new AssertionError("unexpected opcode " + code);
            }
        }
        throw new AssertionError("the program fell off its end");
    }

    private static final int X86 = Bpf.AUDIT_ARCH_X86_64;

    @Test
    void theDefaultProfileDeniesWhatItListsAndAllowsTheRest() {
        String p = SeccompCompiler.compile(Seccomp.DEFAULT);
        assertEquals(Bpf.RET_ALLOW, run(p, 39, X86, 0), "getpid");
        assertEquals(Bpf.RET_EPERM, run(p, 250, X86, 0), "keyctl");
        assertEquals(Bpf.RET_EPERM, run(p, 272, X86, 0), "unshare");
        assertEquals(Bpf.RET_EPERM, run(p, 165, X86, 0), "mount");
        assertEquals(Bpf.RET_EPERM, run(p, 433, X86, 0), "fspick, the last listed");
        assertEquals(Bpf.RET_ALLOW, run(p, 56, X86, 0x11), "clone of a plain thread/process");
        assertEquals(Bpf.RET_EPERM, run(p, 56, X86, CLONE_NEWUSER | 0x11), "clone into a new user namespace");
        assertEquals(Bpf.RET_ENOSYS, run(p, 435, X86, 0), "clone3 falls back to clone");
        assertEquals(Bpf.RET_EPERM, run(p, 0x40000000 + 39, X86, 0), "the x32 ABI");
        assertEquals(Bpf.RET_KILL_PROCESS, run(p, 39, 0x40000003, 0), "another architecture");
    }

    @Test
    void noopRulesNeverMatchButEachIsEvaluated() {
        String p = SeccompCompiler.compile(Seccomp.withNoopRules(150));
        assertEquals(Bpf.RET_ALLOW, run(p, 39, X86, 0));
        assertEquals(Bpf.RET_EPERM, run(p, 250, X86, 0));
        assertEquals(SeccompCompiler.compile(Seccomp.DEFAULT).split(";").length + 152, p.split(";").length, "one load, 150 rules and their block's refusal");
        assertEquals(Bpf.RET_ALLOW, run(p, 56, X86, 0x11), "clone still checks its own flags after the rules");
    }

    /** Past a jump's reach: the rules come in blocks, each with its own refusal, and every rule still runs for every call. */
    @Test
    void thousandsOfNoopRulesComeInBlocksThatAJumpCanCross() {
        int rules = Seccomp.MAX_NOOP_RULES;
        String p = SeccompCompiler.compile(Seccomp.withNoopRules(rules));
        int plain = SeccompCompiler.compile(Seccomp.DEFAULT).split(";").length;
        int blocks = (rules + 249) / 250;
        assertEquals(plain + 1 + rules + blocks, p.split(";").length, "one load, the rules, a refusal per block");
        assertTrue(p.split(";").length <= 4096, "within classic BPF's 4096 instructions");
        int[] getpid = execute(p, 39, X86, 0);
        assertEquals(Bpf.RET_ALLOW, getpid[0]);
        assertTrue(getpid[1] > rules, "every rule ran for getpid: " + getpid[1] + " instructions");
        assertEquals(Bpf.RET_EPERM, run(p, 39, X86, 0x5eccbad0L + rules - 1), "the last rule matches its own value (so each is a real comparison)");
        assertEquals(Bpf.RET_EPERM, run(p, 250, X86, 0), "keyctl is still refused");
        assertThrows(IllegalArgumentException.class, () -> Seccomp.withNoopRules(rules + 1));
    }

    @Test
    void everySyscallNumberGetsThePolicysVerdict() {
        String p = SeccompCompiler.compile(Seccomp.DEFAULT);
        Set<Integer> denied = new HashSet<>();
        for (String name : Seccomp.DEFAULT.denied()) denied.add(SyscallTable.number(name));
        for (int nr = 0; nr < 1024; nr++) {
            if (nr == 56 || nr == 435) continue; // clone and clone3: their own checks, above
            assertEquals(denied.contains(nr) ? Bpf.RET_EPERM : Bpf.RET_ALLOW, run(p, nr, X86, 0), "syscall " + nr);
        }
    }

    @Test
    void theDeniedNumbersAreSearchedNotWalkedInALine() {
        String p = SeccompCompiler.compile(Seccomp.DEFAULT);
        int longest = 0;
        for (int nr = 0; nr < 1024; nr++) longest = Math.max(longest, execute(p, nr, X86, 0)[1]);
        assertTrue(longest <= 16, "the longest path runs " + longest + " instructions");
    }
}
