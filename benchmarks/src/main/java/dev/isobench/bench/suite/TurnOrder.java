package dev.isobench.bench.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order targets take their turns in: shuffled every turn, so that a slow spell of the machine falls on all of
 * them alike and no target always runs right after the same other one (inheriting its aftermath), from a fixed
 * seed, so that a run can be repeated. One per loop of turns.
 */
final class TurnOrder<T> {
    private static final long SEED = 20261129L;
    private final Random random = new Random(SEED);
    private final List<T> turn;

    TurnOrder(List<T> targets) {
        this.turn = new ArrayList<>(targets);
    }

    /** The next turn's order. */
    List<T> next() {
        Collections.shuffle(turn, random);
        return List.copyOf(turn);
    }
}
