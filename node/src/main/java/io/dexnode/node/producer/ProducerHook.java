package io.dexnode.node.producer;

/**
 * Called on the producer thread just before each block is executed. Production passes
 * {@link #NONE}; tests use it to hold the producer still (to fill the queue) without timing.
 */
@FunctionalInterface
public interface ProducerHook {
    ProducerHook NONE = height -> { };

    void beforeBlock(long height) throws InterruptedException;
}
