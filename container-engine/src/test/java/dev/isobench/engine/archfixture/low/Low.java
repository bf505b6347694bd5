package dev.isobench.engine.archfixture.low;

import dev.isobench.engine.archfixture.high.High;

/** ArchitectureTest's fixture: a low package that uses a higher one, closing a cycle. */
public final class Low {
    public static int up() {
        return High.down() + 1;
    }
}
