package dev.isobench.engine.runtime;

/** Where a container is in its lifecycle, with the guards of each verb. */
public enum ContainerState {
    CREATED, RUNNING, STOPPED, OOM_KILLED, DELETED;

    /** Whether the container's first process has exited, for whatever reason. */
    public boolean isStopped() {
        return this == STOPPED || this == OOM_KILLED;
    }

    public boolean canStart() {
        return this == CREATED;
    }

    public boolean canKill() {
        return this == CREATED || this == RUNNING;
    }

    public boolean canExec() {
        return this == RUNNING;
    }

    public String lower() {
        return this == OOM_KILLED ? "OOMKilled" : name().toLowerCase();
    }
}
