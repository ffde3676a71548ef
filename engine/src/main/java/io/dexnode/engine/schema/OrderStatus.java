package io.dexnode.engine.schema;

/** An order's lifecycle status. Filled and Cancelled orders stay in state as history. */
public enum OrderStatus {
    ACTIVE, FILLED, CANCELLED;

    /** The lowercase name used in JSON. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
