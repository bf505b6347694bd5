package dev.isobench.engine.plan;

/**
 * Frame codes shared with isobench-init; {@code src/main/c/protocol.h} holds the same numbers and
 * ProtocolAgreementTest keeps the two in step.
 */
public enum Op {
    CLONE(1), CGROUP(2), SETNS(3), EXIT_FILE(4), SETSID(5), USERNS_MAP(6), STDIO(7), HANDOFF(8), CONSOLE(9),
    UNSHARE(10), MOUNT(11), MKDIR(12), SYMLINK(13), TOUCH(14), SETHOSTNAME(15), PIVOT_ROOT(16), MASK(17),
    CHDIR(18), DROP_BOUNDING(19), SET_USER(20), CAPSET(21), NO_NEW_PRIVS(22), BARRIER(23), ENV(24), IFUP(25),
    EXEC(26), SECCOMP(27), UMASK(28), RLIMIT(29), WRITE(30), MKNOD(31), BIND_CONSOLE(32), KEEP_CAPS(33), CGROUP_INTO(34), LOG(35), END(99),
    ST_PID(100), ST_READY(101), ST_ERROR(102), ST_EXIT(103),
    RQ_CWD(200), RQ_ARG(201), RQ_ENV(202), RQ_GO(203), RQ_SIGNAL(204), RQ_SPAWN(205), RQ_SPAWNED(206);

    private final int code;

    Op(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The name protocol.h uses: {@code OP_MOUNT}, {@code ST_PID}. */
    public String cName() {
        return name().startsWith("ST_") || name().startsWith("RQ_") ? name() : "OP_" + name();
    }

    public static Op of(int code) {
        for (Op op : values()) {
            if (op.code == code) return op;
        }
        throw new IllegalArgumentException("unknown frame code " + code);
    }
}
