package dev.isobench.engine.runtime;

/** Where a container is in its lifecycle, with the guards of each verb. */
public enum ContainerState {
    CREATED, RUNNING, STOPPED, DELETED;

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
        return name().toLowerCase();
    }
}
