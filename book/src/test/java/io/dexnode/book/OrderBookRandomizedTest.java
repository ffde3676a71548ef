package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.ReferenceBookRun.Coverage;
import io.dexnode.book.ReferenceBookRun.Prices;
import io.dexnode.book.ReferenceBookRun.Shape;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds {@link OrderBook} to {@link ReferenceBook} on long seeded streams of every command: all
 * TIFs and self-trade modes, market orders, cancels, reduces, amends, restores, clears and bad
 * input. Every event, every return value and the best prices must agree after every command; the
 * depth, the L3 walk and fillable sizes are compared along the way and at the end (see
 * {@link ReferenceBookRun}).
 */
class OrderBookRandomizedTest {
    private static final int COMMANDS = 20_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void everyEventMatchesTheReferenceBook(long seed) {
        assertExercisedEveryOutcome(ReferenceBookRun.run(seed, new Shape(Prices.AROUND_1000, false, false), COMMANDS));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105})
    void hugeSizesSaturateTheSameWay(long seed) {
        assertExercisedEveryOutcome(ReferenceBookRun.run(seed, new Shape(Prices.AROUND_1000, true, false), COMMANDS));
    }

    /** The stream must have exercised every outcome the book reports as an event. */
    private static void assertExercisedEveryOutcome(Coverage seen) {
        assertThat(seen.reasons()).as("reasons seen").containsAll(EnumSet.range(BookReason.NONE, BookReason.DUPLICATE_ORDER_ID));
        assertThat(seen.fills()).isGreaterThan(COMMANDS / 10);
        assertThat(seen.rests()).isGreaterThan(COMMANDS / 10);
    }

    static List<BookEvent.Resting> l3(OrderBook book) {
        List<BookEvent.Resting> out = new ArrayList<>();
        book.forEachOrder((id, owner, side, price, remaining, seq) ->
                out.add(new BookEvent.Resting(id, owner, side, price, remaining, seq)));
        return out;
    }
}
