package dev.isobench.engine.archfixture.high;

import dev.isobench.engine.archfixture.low.Low;

/** ArchitectureTest's fixture: a high package that uses a lower one, as it may. */
public final class High {
    public static int down() {
        return 1;
    }

    public static int both() {
        return Low.up();
    }
}
