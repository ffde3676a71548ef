package io.dexnode.jmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nodes, node keys and stale-node index entries survive their encodings, which sort by version. */
class CodecTest {

    static InternalNode randomInternal(SplittableRandom rnd) {
        List<InternalNode.Child> children = new ArrayList<>();
        int existence = rnd.nextInt(1, 1 << 16);
        for (int n = 0; n < 16; n++) {
            if ((existence & (1 << n)) != 0) {
                boolean leaf = Integer.bitCount(existence) > 1 && rnd.nextBoolean();
                long version = rnd.nextInt(4) == 0 ? -1L - rnd.nextInt(3) : rnd.nextLong(1L << rnd.nextInt(1, 63));
                children.add(new InternalNode.Child(n, version, RandomizedTreeTest.randomBytes(rnd, 32), leaf,
                        leaf ? 1 : 2 + rnd.nextLong(1L << 40)));
            }
        }
        return InternalNode.of(children);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void nodesRoundTripThroughTheCodec(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            InternalNode in = randomInternal(rnd);
            Node decoded = NodeCodec.decode(NodeCodec.encode(in));
            assertThat(decoded).isEqualTo(in);
            // The transient hash cache is rebuilt after decoding and gives the same hash.
            assertThat(decoded.hash()).isEqualTo(in.hash());
            LeafNode leaf = new LeafNode(KeyHash.fromBytes(RandomizedTreeTest.randomBytes(rnd, 32)),
                    RandomizedTreeTest.randomBytes(rnd, 32));
            assertThat(NodeCodec.decode(NodeCodec.encode(leaf))).isEqualTo(leaf);
        }
        assertThat(NodeCodec.decode(NodeCodec.encode(NullNode.INSTANCE))).isSameAs(NullNode.INSTANCE);
    }

    @Test
    void encodingInPlaceWritesExactlyTheEncodedBytesAtTheOffset() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<Node> nodes = new ArrayList<>(List.of(NullNode.INSTANCE));
        for (int i = 0; i < 200; i++) {
            nodes.add(randomInternal(rnd));
            nodes.add(new LeafNode(KeyHash.fromBytes(RandomizedTreeTest.randomBytes(rnd, 32)), RandomizedTreeTest.randomBytes(rnd, 32)));
        }
        for (Node node : nodes) {
            byte[] expected = NodeCodec.encode(node);
            assertThat(NodeCodec.encodedLength(node)).isEqualTo(expected.length);
            byte[] buf = new byte[expected.length + 10];
            Arrays.fill(buf, (byte) 0x5A);
            assertThat(NodeCodec.encodeInto(node, buf, 3)).isEqualTo(3 + expected.length);
            assertThat(Arrays.copyOfRange(buf, 3, 3 + expected.length)).isEqualTo(expected);
            // nothing outside [3, 3 + length) is touched
            assertThat(Arrays.copyOfRange(buf, 0, 3)).containsOnly((byte) 0x5A);
            assertThat(Arrays.copyOfRange(buf, 3 + expected.length, buf.length)).containsOnly((byte) 0x5A);
        }
    }

    @Test
    void malformedNodesAreRejected() {
        SplittableRandom rnd = new SplittableRandom(9);
        byte[] good = NodeCodec.encode(randomInternal(rnd));
        assertThatThrownBy(() -> NodeCodec.decode(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeCodec.decode(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] badFormat = good.clone();
        badFormat[0] = 9;
        assertThatThrownBy(() -> NodeCodec.decode(badFormat)).hasMessageContaining("format");
        // One leaf child alone is not a valid internal node (it should have been lifted).
        assertThatThrownBy(() -> NodeCodec.decode(new byte[] {1, 1, 0, 1, 0, 1, 0,
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeCodec.decode(new byte[] {1, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeCodec.decode(new byte[] {1, 2})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodeKeysAndStaleIndicesRoundTripAndSortByVersionInByteOrder() {
        SplittableRandom rnd = new SplittableRandom(4);
        List<NodeKey> keys = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long version = rnd.nextInt(5) == 0 ? -1L - rnd.nextInt(2) : rnd.nextLong(1000);
            KeyHash kh = KeyHash.fromBytes(RandomizedTreeTest.randomBytes(rnd, 32));
            keys.add(new NodeKey(version, NibblePath.prefixOf(kh, rnd.nextInt(65))));
        }
        for (NodeKey k : keys) {
            assertThat(NodeKey.decode(k.encode())).isEqualTo(k);
            StaleNodeIndex s = new StaleNodeIndex(rnd.nextLong(), k);
            assertThat(StaleNodeIndex.decode(s.encode())).isEqualTo(s);
        }
        for (int i = 0; i + 1 < keys.size(); i++) {
            NodeKey a = keys.get(i);
            NodeKey b = keys.get(i + 1);
            assertThat(Integer.signum(Arrays.compareUnsigned(a.encode(), b.encode())))
                    .isEqualTo(Integer.signum(a.compareTo(b)));
            if (a.version() != b.version()) {
                assertThat(Integer.signum(Arrays.compareUnsigned(a.encode(), b.encode())))
                        .isEqualTo(Long.signum(Long.compareUnsigned(a.version(), b.version())));
            }
            StaleNodeIndex sa = new StaleNodeIndex(i % 7, a);
            StaleNodeIndex sb = new StaleNodeIndex((i + 3) % 7, b);
            assertThat(Integer.signum(Arrays.compareUnsigned(sa.encode(), sb.encode())))
                    .isEqualTo(Integer.signum(sa.compareTo(sb)));
        }
        assertThat(new NodeKey(0x0102030405060708L, NibblePath.fromHex("abc")).encode())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 3, 0xab, 0xc0);
        assertThatThrownBy(() -> NodeKey.decode(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 3, (byte) 0xab, (byte) 0xcd}))
                .hasMessageContaining("padding");
    }
}
