package io.dexnode.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteSetTest {

    @Test
    void visitsKeysInUnsignedByteOrderAndLastWriteWins() {
        WriteSet ws = new WriteSet();
        ws.put(new byte[] {(byte) 0x80}, new byte[] {1});
        ws.put(new byte[] {0x01, 0x02}, new byte[] {2});
        ws.put(new byte[] {0x01}, new byte[] {3});
        ws.delete(new byte[] {(byte) 0x80});
        ws.put(new byte[] {0x01}, new byte[] {4});
        List<String> seen = new ArrayList<>();
        ws.forEach((k, v) -> seen.add(HexFormat.of().formatHex(k) + "=" + (v == null ? "del" : HexFormat.of().formatHex(v))));
        assertThat(seen).containsExactly("01=04", "0102=02", "80=del");
        assertThat(ws.size()).isEqualTo(3);
        assertThat(ws.isEmpty()).isFalse();
    }

    @Test
    void copiesTheCallersArrays() {
        WriteSet ws = new WriteSet();
        byte[] k = {1};
        byte[] v = {2};
        ws.put(k, v);
        k[0] = 9;
        v[0] = 9;
        ws.forEach((key, value) -> {
            assertThat(key).containsExactly(1);
            assertThat(value).containsExactly(2);
        });
    }

    @Test
    void refusesEmptyKeysAndEmptyValues() {
        WriteSet ws = new WriteSet();
        assertThatThrownBy(() -> ws.put(new byte[0], new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ws.put(new byte[] {1}, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ws.put(new byte[] {1}, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ws.isEmpty()).isTrue();
    }
}
