package io.dexnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dexnode replay} and {@code dexnode book} on a real data directory. */
class ReplayCliTest {
    private static final List<String> BLOCKS = List.of(
            "{\"height\":1,\"time\":1000,\"txs\":[{\"type\":\"create_market\",\"market\":1,\"symbol\":\"BTC-USD\",\"tickSize\":1,"
                    + "\"lotSize\":1,\"minSize\":1,\"makerFeeBps\":2,\"takerFeeBps\":5,\"initialMarginBps\":1000,"
                    + "\"maintenanceMarginBps\":500},{\"type\":\"deposit\",\"account\":\"alice\",\"amount\":1000000},"
                    + "{\"type\":\"deposit\",\"account\":\"bob\",\"amount\":1000000}]}",
            "{\"height\":2,\"time\":1005,\"txs\":[{\"type\":\"place\",\"account\":\"alice\",\"market\":1,\"side\":\"buy\","
                    + "\"price\":100,\"size\":5,\"tif\":\"gtc\",\"clientOrderId\":\"c1\"},{\"type\":\"place\",\"account\":\"bob\","
                    + "\"market\":1,\"side\":\"sell\",\"price\":101,\"size\":3}]}",
            "{\"height\":3,\"time\":1010,\"txs\":[{\"type\":\"place\",\"account\":\"bob\",\"market\":1,\"side\":\"sell\","
                    + "\"price\":100,\"size\":2,\"tif\":\"ioc\"},{\"type\":\"cancel\",\"account\":\"bob\",\"order\":1}]}");

    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private Path file(String name, List<String> lines) throws IOException {
        return Files.write(tmp.resolve(name), lines);
    }

    @Test
    void replayPrintsHeightAndRootPerBlockAndBookPrintsTheRecoveredDepth() throws IOException {
        Path in = file("blocks.jsonl", BLOCKS);
        CliRun r = cli("replay", "--in", in.toString(), "--data", tmp.resolve("data").toString(), "--no-fsync");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines).allMatch(l -> l.matches("\\d+ [0-9a-f]{64}"));
        CliRun book = cli("book", "--data", tmp.resolve("data").toString(), "--market", "1");
        assertThat(book.exit()).as(book.err()).isZero();
        assertThat(book.out().trim()).isEqualTo("{\"market\":1,\"height\":3,\"bids\":[[100,3]],\"asks\":[[101,3]]}");
    }

    @Test
    void aBatchInABlockFileReplaysAndResumesLikeAnyTransaction() throws IOException {
        List<String> blocks = new ArrayList<>(BLOCKS);
        blocks.add("{\"height\":4,\"time\":1015,\"txs\":[{\"type\":\"batch\",\"account\":\"alice\",\"actions\":["
                + "{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":99,\"size\":1,\"tif\":\"gtc\",\"stp\":\"cancel_resting\"},"
                + "{\"type\":\"cancel\",\"order\":12345},{\"type\":\"reduce\",\"clientOrderId\":\"c1\",\"size\":1}]}]}");
        Path data = tmp.resolve("data");
        CliRun r = cli("replay", "--in", file("batch.jsonl", blocks).toString(), "--data", data.toString(), "--no-fsync");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(4);
        // stored as written: a second replay of the same file on the same data resumes without a mismatch
        CliRun again = cli("replay", "--in", file("batch2.jsonl", blocks).toString(), "--data", data.toString(), "--no-fsync");
        assertThat(again.exit()).as(again.err()).isZero();
        CliRun book = cli("book", "--data", data.toString(), "--market", "1");
        assertThat(book.out().trim()).isEqualTo("{\"market\":1,\"height\":4,\"bids\":[[100,1],[99,1]],\"asks\":[[101,3]]}");
    }

    @Test
    void replayOnADirectoryWithBlocksResumesAfterTheLastCommittedHeight() throws IOException {
        Path data = tmp.resolve("data");
        CliRun full = cli("replay", "--in", file("all.jsonl", BLOCKS).toString(), "--data", tmp.resolve("ref").toString());
        CliRun first = cli("replay", "--in", file("first.jsonl", BLOCKS.subList(0, 2)).toString(), "--data", data.toString());
        assertThat(first.exit()).isZero();
        CliRun again = cli("replay", "--in", file("all2.jsonl", BLOCKS).toString(), "--data", data.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(full.out());
    }

    @Test
    void replayRefusesAFileWhoseBlocksDifferFromTheStoredOnes() throws IOException {
        Path data = tmp.resolve("data");
        assertThat(cli("replay", "--in", file("a.jsonl", BLOCKS).toString(), "--data", data.toString()).exit()).isZero();
        List<String> changed = List.of(BLOCKS.get(0), BLOCKS.get(1).replace("\"size\":5", "\"size\":6"), BLOCKS.get(2));
        CliRun r = cli("replay", "--in", file("b.jsonl", changed).toString(), "--data", data.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 2", "block 2 differs");
    }

    @Test
    void malformedLineIsReportedWithItsLineNumberAndNothingAfterItIsApplied() throws IOException {
        Path data = tmp.resolve("data");
        List<String> bad = List.of(BLOCKS.get(0), "{\"height\":2,\"time\":1,\"txs\":[{\"type\":\"teleport\"}]}");
        CliRun r = cli("replay", "--in", file("bad.jsonl", bad).toString(), "--data", data.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 2", "unknown transaction type");
        assertThat(r.out().lines()).hasSize(1);
    }

    @Test
    void bookOnAMissingDirectoryOrMarketSaysSo() throws IOException {
        assertThat(cli("book", "--data", tmp.resolve("nope").toString(), "--market", "1").err()).contains("no data directory");
        Path data = tmp.resolve("data");
        cli("replay", "--in", file("a.jsonl", BLOCKS).toString(), "--data", data.toString());
        CliRun r = cli("book", "--data", data.toString(), "--market", "7");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("market 7 does not exist");
    }
}
