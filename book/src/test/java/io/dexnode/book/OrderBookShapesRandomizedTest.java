package io.dexnode.book;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.ReferenceBookRun.Coverage;
import io.dexnode.book.ReferenceBookRun.Prices;
import io.dexnode.book.ReferenceBookRun.Shape;
import java.util.EnumSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds {@link OrderBook} to {@link ReferenceBook}, event for event, as {@link
 * OrderBookRandomizedTest} does (see {@link ReferenceBookRun}), on every shape of prices: besides
 * the usual spread around 1000, two levels a side where queues build up, prices against
 * Long.MAX_VALUE, prices near 1 (and invalid below it), and prices at the edges of the radix
 * tree's digit widths and of the long range. Every stream also cancels, reduces and amends the
 * head, the tail and the middle of the queue at a best price; some use huge sizes that saturate.
 */
class OrderBookShapesRandomizedTest {
    private static final int COMMANDS = 10_000;

    /** Seeds 1 to 10 for every shape of prices. */
    static Stream<Arguments> pricesAndSeeds() {
        return pricesAndSeeds(1, 10);
    }

    /** Seeds 101 to 104 for every shape of prices. */
    static Stream<Arguments> pricesAndHugeSizeSeeds() {
        return pricesAndSeeds(101, 4);
    }

    private static Stream<Arguments> pricesAndSeeds(long firstSeed, int count) {
        return Stream.of(Prices.values()).flatMap(prices ->
                LongStream.range(firstSeed, firstSeed + count).mapToObj(seed -> Arguments.of(prices, seed)));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("pricesAndSeeds")
    void everyEventMatchesTheReferenceBookWhereverPricesLie(Prices prices, long seed) {
        assertExercisedEveryOutcome(ReferenceBookRun.run(seed, new Shape(prices, false, true), COMMANDS));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("pricesAndHugeSizeSeeds")
    void hugeSizesSaturateTheSameWayWhereverPricesLie(Prices prices, long seed) {
        assertExercisedEveryOutcome(ReferenceBookRun.run(seed, new Shape(prices, true, true), COMMANDS));
    }

    /** No shape may starve the stream: every outcome reported, and orders both filled and rested. */
    private static void assertExercisedEveryOutcome(Coverage seen) {
        assertThat(seen.reasons()).as("reasons seen").containsAll(EnumSet.range(BookReason.NONE, BookReason.DUPLICATE_ORDER_ID));
        assertThat(seen.fills()).isGreaterThan(COMMANDS / 20);
        assertThat(seen.rests()).isGreaterThan(COMMANDS / 20);
    }
}
