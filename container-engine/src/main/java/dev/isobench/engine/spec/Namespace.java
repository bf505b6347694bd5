package dev.isobench.engine.spec;

/** The Linux namespaces a container can get, with their clone(2) flags and /proc/PID/ns names. */
public enum Namespace {
    MOUNT(0x00020000, "mnt"),
    UTS(0x04000000, "uts"),
    IPC(0x08000000, "ipc"),
    PID(0x20000000, "pid"),
    NET(0x40000000, "net"),
    CGROUP(0x02000000, "cgroup");

    private final int cloneFlag;
    private final String procName;

    Namespace(int cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    public int cloneFlag() {
        return cloneFlag;
    }

    /** The file name under /proc/PID/ns. */
    public String procName() {
        return procName;
    }
}
