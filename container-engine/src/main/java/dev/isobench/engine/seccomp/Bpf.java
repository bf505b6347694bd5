package dev.isobench.engine.seccomp;

/** Classic BPF as seccomp(2) runs it on x86_64: the opcodes, return values and architecture the filters use. */
public final class Bpf {
    public static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    public static final int RET_ALLOW = 0x7fff0000;
    public static final int RET_KILL_PROCESS = 0x80000000;
    public static final int RET_EPERM = 0x00050000 | 1;
    /** clone3 answers ENOSYS, as under Docker: its flags live in memory a filter cannot read, and libc falls back to clone. */
    public static final int RET_ENOSYS = 0x00050000 | 38;
    public static final int LD_ABS = 0x20;
    public static final int JEQ = 0x15;
    public static final int JGE = 0x35;
    public static final int JSET = 0x45;
    public static final int JGT = 0x25;
    public static final int ALU_AND_K = 0x54;
    public static final int RET = 0x06;
    /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME. */
    public static final int NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;

    private Bpf() {}
}
