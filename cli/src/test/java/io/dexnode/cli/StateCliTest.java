package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dexnode state verify|migrate} as an operator runs them: on a replayed chain verify passes;
 * with 4 KiB of bytes flipped in the largest SST file, which the node's start and the book do not
 * read, verify fails and names the file.
 */
@Timeout(300)
class StateCliTest {
    @TempDir
    Path tmp;

    @Test
    void verifyPassesOnAReplayedChainAndCatchesBytesFlippedInItsLargestFile() throws Exception {
        Path data = tmp.resolve("data");
        Path blocks = Files.write(tmp.resolve("chain.jsonl"), chain(200, 40));
        CliRun replay = CliRun.of("replay", "--in", blocks.toString(), "--data", data.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();

        CliRun clean = CliRun.of("state", "verify", "--data", data.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("checksums", "state verified: version 200");

        Path largest;
        try (Stream<Path> files = Files.list(data)) {
            largest = files.filter(f -> f.getFileName().toString().endsWith(".sst"))
                    .max(Comparator.comparingLong(StateCliTest::size)).orElseThrow();
        }
        assertThat(size(largest)).as("the largest SST").isGreaterThan(64 << 10);
        try (RandomAccessFile f = new RandomAccessFile(largest.toFile(), "rw")) {
            byte[] chunk = new byte[4096];
            long at = f.length() / 3;
            f.seek(at);
            f.readFully(chunk);
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] ^= (byte) 0x5A;
            }
            f.seek(at);
            f.write(chunk);
        }
        CliRun damaged = CliRun.of("state", "verify", "--data", data.toString());
        assertThat(damaged.exit()).isEqualTo(1);
        assertThat(damaged.err()).contains("problem(s) in " + data, largest.getFileName().toString());
    }

    @Test
    void migrateLeavesACurrentDirectoryAsItIsAndRefusesAMissingOne() throws Exception {
        Path data = tmp.resolve("data");
        Path blocks = Files.write(tmp.resolve("chain.jsonl"), chain(3, 2));
        assertThat(CliRun.of("replay", "--in", blocks.toString(), "--data", data.toString()).exit()).isZero();
        CliRun same = CliRun.of("state", "migrate", "--data", data.toString());
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("already in format 2");
        assertThat(CliRun.of("state", "verify", "--data", data.toString()).exit()).isZero();
        assertThat(CliRun.of("state", "migrate", "--data", tmp.resolve("none").toString()).err()).contains("no data directory");
        assertThat(CliRun.of("state", "verify", "--data", tmp.resolve("none").toString()).exit()).isEqualTo(1);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A chain: a market and deposits, then {@code blocks} blocks of {@code orders} resting orders each. */
    static List<String> chain(int blocks, int orders) {
        List<String> out = new ArrayList<>();
        StringBuilder first = new StringBuilder("{\"height\":1,\"time\":1000,\"txs\":[{\"type\":\"create_market\",\"market\":1,"
                + "\"symbol\":\"BTC-USD\",\"tickSize\":1,\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":2,\"takerFeeBps\":5,"
                + "\"initialMarginBps\":1000,\"maintenanceMarginBps\":500}");
        for (int a = 0; a < 20; a++) {
            first.append(",{\"type\":\"deposit\",\"account\":\"a").append(a).append("\",\"amount\":1000000000000}");
        }
        out.add(first.append("]}").toString());
        SplittableRandom r = new SplittableRandom(7);
        for (int h = 2; h <= blocks; h++) {
            StringBuilder b = new StringBuilder("{\"height\":").append(h).append(",\"time\":").append(1000 + h * 5L).append(",\"txs\":[");
            for (int i = 0; i < orders; i++) {
                boolean buy = r.nextBoolean();
                b.append(i == 0 ? "" : ",").append("{\"type\":\"place\",\"account\":\"a").append(r.nextInt(20))
                        .append("\",\"market\":1,\"side\":\"").append(buy ? "buy" : "sell").append("\",\"price\":")
                        .append(buy ? 900 + r.nextInt(100) : 1001 + r.nextInt(100)).append(",\"size\":").append(1 + r.nextInt(9))
                        .append("}");
            }
            out.add(b.append("]}").toString());
        }
        return out;
    }
}
