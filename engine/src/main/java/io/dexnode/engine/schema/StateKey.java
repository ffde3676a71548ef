package io.dexnode.engine.schema;

import java.nio.charset.StandardCharsets;

/**
 * Every key dexnode stores under the state root, as a closed family.
 *
 * <p>The canonical encoding is one tag byte followed by big-endian fields, so that RocksDB's byte
 * order is numeric order and a prefix scan over {@code ActiveOrder(market)} yields that market's
 * entries in order-id order. This class is the only place that knows the encoding.
 *
 * <p>Each record writes out its {@code equals} and {@code hashCode}: the generated ones are called
 * through method handles, which showed in the engine's profile (every state read is a hash-map
 * lookup by key). The hashes are exactly the generated ones (31 × the previous fields' hash + the
 * next field's, checked by StateKeyTest): sequential ids keep falling into neighbouring buckets,
 * which the execution's reads rely on for locality (spread hashes were measured slower).
 */
public sealed interface StateKey {

    /** The key's canonical bytes. */
    byte[] encode();

    byte TAG_MARKET = 0x01;
    byte TAG_ORDER = 0x02;
    byte TAG_ACTIVE_ORDER = 0x03;
    byte TAG_ACCOUNT = 0x04;
    byte TAG_ACCOUNT_NAME = 0x05;
    byte TAG_POSITION = 0x06;
    byte TAG_COUNTERS = 0x07;
    byte TAG_MARKET_STATS = 0x08;
    byte TAG_MARKET_RISK = 0x09;
    byte TAG_CHAIN_PARAMS = 0x10;
    byte TAG_ARCHIVE_QUEUE = 0x11;
    byte TAG_ARCHIVE_HEAD = 0x12;

    /** A market's parameters. */
    record Market(int marketId) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(5).tag(TAG_MARKET).u32(marketId).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Market k && k.marketId == marketId;
        }

        @Override
        public int hashCode() {
            return marketId;
        }
    }

    /**
     * An order record; kept after the order is filled or cancelled until the chain's
     * {@code archiveAfterBlocks} have passed, then moved to the archive (outside the tree).
     */
    record Order(long orderId) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(9).tag(TAG_ORDER).u64(orderId).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Order k && k.orderId == orderId;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(orderId);
        }
    }

    /** One entry of the ActiveOrdersByMarket index; the value is the order's priority sequence. */
    record ActiveOrder(int marketId, long orderId) implements StateKey {
        /** The encoded length: tag, market u32, order u64. */
        public static final int ENCODED_LENGTH = 13;
        private static final int ORDER_ID_AT = 5;

        @Override
        public byte[] encode() {
            return new KeyWriter(ENCODED_LENGTH).tag(TAG_ACTIVE_ORDER).u32(marketId).u64(orderId).bytes();
        }

        /** The order id of an encoded key read in place; throws unless it has this key's length. */
        public static long orderIdOf(java.nio.ByteBuffer key) {
            if (key.limit() != ENCODED_LENGTH) {
                throw new IllegalStateException("ActiveOrder key of " + key.limit() + " bytes, expected " + ENCODED_LENGTH);
            }
            return key.getLong(ORDER_ID_AT);
        }

        /** The prefix under which every active order of a market sorts, in order-id order. */
        public static byte[] marketPrefix(int marketId) {
            return new KeyWriter(5).tag(TAG_ACTIVE_ORDER).u32(marketId).bytes();
        }

        /** The prefix of the whole index, every market. */
        public static byte[] indexPrefix() {
            return new byte[] {TAG_ACTIVE_ORDER};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ActiveOrder k && k.orderId == orderId && k.marketId == marketId;
        }

        @Override
        public int hashCode() {
            return 31 * marketId + Long.hashCode(orderId);
        }
    }

    /** An account: collateral, nonce, the markets it trades. */
    record Account(long accountId) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(9).tag(TAG_ACCOUNT).u64(accountId).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account k && k.accountId == accountId;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(accountId);
        }
    }

    /** Name (a plain name or the hex public key) to account id. */
    record AccountName(String name) implements StateKey {
        @Override
        public byte[] encode() {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            return new KeyWriter(1 + utf8.length).tag(TAG_ACCOUNT_NAME).raw(utf8).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AccountName k && k.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** An account's position and open-order exposure in one market. */
    record Position(long accountId, int marketId) implements StateKey {
        /** The encoded length: tag, account u64, market u32. */
        public static final int ENCODED_LENGTH = 13;
        private static final int ACCOUNT_ID_AT = 1;
        private static final int MARKET_ID_AT = 9;

        @Override
        public byte[] encode() {
            return new KeyWriter(ENCODED_LENGTH).tag(TAG_POSITION).u64(accountId).u32(marketId).bytes();
        }

        /** The account of an encoded key read in place; throws unless it has this key's length. */
        public static long accountIdOf(java.nio.ByteBuffer key) {
            checkLength(key);
            return key.getLong(ACCOUNT_ID_AT);
        }

        /** The market of an encoded key read in place; throws unless it has this key's length. */
        public static int marketIdOf(java.nio.ByteBuffer key) {
            checkLength(key);
            return key.getInt(MARKET_ID_AT);
        }

        private static void checkLength(java.nio.ByteBuffer key) {
            if (key.limit() != ENCODED_LENGTH) {
                throw new IllegalStateException("Position key of " + key.limit() + " bytes, expected " + ENCODED_LENGTH);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Position k && k.accountId == accountId && k.marketId == marketId;
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(accountId) + marketId;
        }
    }

    /** The singleton of id and sequence counters. */
    record Counters() implements StateKey {
        private static final byte[] ENCODED = {TAG_COUNTERS};

        @Override
        public byte[] encode() {
            return ENCODED.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counters;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** A market's trading statistics: last trade price, volume, trade count. */
    record MarketStats(int marketId) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(5).tag(TAG_MARKET_STATS).u32(marketId).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MarketStats k && k.marketId == marketId;
        }

        @Override
        public int hashCode() {
            return marketId;
        }
    }

    /** A market's risk state: index price, mark, insurance fund, funding. */
    record MarketRisk(int marketId) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(5).tag(TAG_MARKET_RISK).u32(marketId).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MarketRisk k && k.marketId == marketId;
        }

        @Override
        public int hashCode() {
            return marketId;
        }
    }

    /** The chain's parameters, set by a {@code chain_params} transaction in block 1 (absent: the defaults). */
    record ChainParams() implements StateKey {
        private static final byte[] ENCODED = {TAG_CHAIN_PARAMS};

        @Override
        public byte[] encode() {
            return ENCODED.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChainParams;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** The ids of the finished orders that leave the tree for the archive in block {@code height}. */
    record ArchiveQueue(long height) implements StateKey {
        @Override
        public byte[] encode() {
            return new KeyWriter(9).tag(TAG_ARCHIVE_QUEUE).u64(height).bytes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArchiveQueue k && k.height == height;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(height);
        }
    }

    /**
     * The singleton by which the root commits to the archive: what the last archiving block moved
     * there (its height, count and records hash), the running total and the hash chain over every
     * archiving block.
     */
    record ArchiveHead() implements StateKey {
        private static final byte[] ENCODED = {TAG_ARCHIVE_HEAD};

        @Override
        public byte[] encode() {
            return ENCODED.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArchiveHead;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** The name of the key type a tag starts (as {@code state stats} and STATE.md call it), or null for an unknown tag. */
    static String typeName(byte tag) {
        return switch (tag) {
            case TAG_MARKET -> "market";
            case TAG_ORDER -> "order";
            case TAG_ACTIVE_ORDER -> "activeOrder";
            case TAG_ACCOUNT -> "account";
            case TAG_ACCOUNT_NAME -> "accountName";
            case TAG_POSITION -> "position";
            case TAG_COUNTERS -> "counters";
            case TAG_MARKET_STATS -> "marketStats";
            case TAG_MARKET_RISK -> "marketRisk";
            case TAG_CHAIN_PARAMS -> "chainParams";
            case TAG_ARCHIVE_QUEUE -> "archiveQueue";
            case TAG_ARCHIVE_HEAD -> "archiveHead";
            default -> null;
        };
    }

    /**
     * Decodes canonical key bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a canonical key
     */
    static StateKey decode(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("empty state key");
        }
        KeyReader r = new KeyReader(key);
        StateKey decoded = switch (r.tag()) {
            case TAG_MARKET -> new Market(r.u32());
            case TAG_ORDER -> new Order(r.u64());
            case TAG_ACTIVE_ORDER -> new ActiveOrder(r.u32(), r.u64());
            case TAG_ACCOUNT -> new Account(r.u64());
            case TAG_ACCOUNT_NAME -> new AccountName(r.restUtf8());
            case TAG_POSITION -> new Position(r.u64(), r.u32());
            case TAG_COUNTERS -> new Counters();
            case TAG_MARKET_STATS -> new MarketStats(r.u32());
            case TAG_MARKET_RISK -> new MarketRisk(r.u32());
            case TAG_CHAIN_PARAMS -> new ChainParams();
            case TAG_ARCHIVE_QUEUE -> new ArchiveQueue(r.u64());
            case TAG_ARCHIVE_HEAD -> new ArchiveHead();
            default -> throw new IllegalArgumentException("unknown state key tag 0x%02x".formatted(key[0]));
        };
        r.expectEnd();
        return decoded;
    }
}
