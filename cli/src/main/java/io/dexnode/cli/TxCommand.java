package io.dexnode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dexnode.node.api.TxAdmission;
import io.dexnode.cli.client.NodeClient;
import io.dexnode.node.crypto.Signer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dexnode tx …}: builds a transaction, fetches the account's last nonce and the node's chain
 * id, signs with a key file, submits to a running node and prints the answer for a person. Exit status 1 on a rejection.
 */
@Command(name = "tx", mixinStandardHelpOptions = true,
        description = "Sign a transaction (place, cancel, deposit, set-index-price, ...) and submit it to a running node.",
        subcommands = {
            TxCommand.Place.class, TxCommand.Cancel.class, TxCommand.CancelAll.class, TxCommand.Amend.class,
            TxCommand.Reduce.class, TxCommand.Deposit.class, TxCommand.Withdraw.class, TxCommand.Batch.class,
            TxCommand.SetIndexPrice.class
        })
public final class TxCommand implements Runnable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares. */
    static final class Common {
        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Key file from 'dexnode keygen'.")
        Path key;

        @Option(names = "--node", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
                description = "The node (default: ${DEFAULT-VALUE}).")
        String node;

        @Option(names = "--nonce", paramLabel = "N", description = "Use this nonce instead of the account's last + 1.")
        Long nonce;

        @Option(names = "--json", description = "Print the node's JSON answer instead of a summary.")
        boolean json;
    }

    /** The shared flow: build, nonce, sign, submit, print. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common = new Common();

        /** The payload without "account"/"nonce"; {@code signer} is the key's account. */
        abstract ObjectNode payload(Signer signer) throws IOException;

        /** The account the transaction acts for (its nonce is the one checked). */
        String account(Signer signer) {
            return signer.account();
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Signer signer;
            try {
                signer = Signer.read(common.key);
            } catch (java.nio.file.NoSuchFileException e) {
                err.println("dexnode tx: no key file at " + common.key + " (make one with: ./dexnode keygen --out "
                        + common.key + ")");
                return 2;
            } catch (IOException e) {
                err.println("dexnode tx: cannot read the key file " + common.key + ": " + e.getMessage());
                return 2;
            }
            NodeClient client = new NodeClient(common.node);
            ObjectNode body;
            try {
                body = payload(signer);
            } catch (IOException e) {
                err.println("dexnode tx: " + e.getMessage());
                return 2;
            }
            ObjectNode tx = MAPPER.createObjectNode();
            tx.put("type", body.remove("type").asText());
            String account = account(signer);
            tx.put("account", account);
            NodeClient.Response r;
            try {
                long nonce = common.nonce != null ? common.nonce : client.lastNonce(account) + 1;
                tx.put("nonce", nonce);
                tx.setAll(body);
                // bound to this chain: the signature is worthless on any other that shares the key
                tx.put(TxAdmission.CHAIN_FIELD, client.chainId());
                r = client.submit(signer, tx.toString());
            } catch (ConnectException e) {
                err.println("dexnode tx: no node answers at " + common.node + " (start one with: ./dexnode run --dev)");
                return 2;
            } catch (IOException e) {
                // e.g. a node still recovering its books answers 503 to the nonce or chain lookup
                err.println("dexnode tx: " + e.getMessage());
                return 2;
            }
            if (common.json) {
                out.println(r.body());
            } else {
                out.println(describe(r));
            }
            out.flush();
            return r.ok() ? 0 : 1;
        }
    }

    /** A one-paragraph, human reading of the node's answer. */
    static String describe(NodeClient.Response r) {
        JsonNode j = r.json();
        if (!r.ok()) {
            return j == null ? "failed: HTTP " + r.status() + " " + r.body()
                    : "rejected (" + r.status() + " " + j.path("code").asText() + "): " + j.path("message").asText();
        }
        StringBuilder sb = new StringBuilder("accepted in block ").append(j.path("height").asLong()).append(": ");
        describeResult(sb, j);
        return sb.toString();
    }

    /** One accepted transaction's (or batch action's) answer, after "accepted in block h: ". */
    private static void describeResult(StringBuilder sb, JsonNode j) {
        String type = j.path("type").asText();
        switch (type) {
            case "place", "cancel", "amend", "reduce" -> {
                sb.append("order ").append(j.path("orderId").asLong()).append(' ').append(j.path("status").asText())
                        .append(", remaining ").append(j.path("remaining").asLong());
                JsonNode fills = j.path("fills");
                sb.append(", ").append(fills.size()).append(fills.size() == 1 ? " fill" : " fills");
                for (JsonNode f : fills) {
                    sb.append(System.lineSeparator()).append("  trade: ").append(f.path("size").asLong()).append(" @ ")
                            .append(f.path("price").asLong()).append(" (").append(f.path("takerSide").asText())
                            .append(" order ").append(f.path("takerOrderId").asLong()).append(" took order ")
                            .append(f.path("makerOrderId").asLong()).append(", taker fee ").append(f.path("takerFee").asLong())
                            .append(')');
                }
            }
            case "cancel_all" -> sb.append("cancelled ").append(j.path("cancelled").asLong()).append(" orders");
            case "deposit", "withdraw" -> sb.append(type).append(" for ").append(j.path("account").asText());
            case "batch" -> {
                JsonNode results = j.path("results");
                sb.append("batch of ").append(results.size()).append(results.size() == 1 ? " action" : " actions");
                int i = 0;
                for (JsonNode r : results) {
                    sb.append(System.lineSeparator()).append(++i).append(". ");
                    if (r.has("code")) {
                        sb.append("rejected (").append(r.path("status").asInt()).append(' ').append(r.path("code").asText())
                                .append("): ").append(r.path("message").asText());
                    } else {
                        sb.append(r.path("type").asText()).append(": ");
                        describeResult(sb, r);
                    }
                }
            }
            case "set_index_price" -> sb.append("index price of market ").append(j.path("market").asLong()).append(" is ")
                    .append(j.path("indexPrice").asLong());
            default -> sb.append(type);
        }
    }

    @Command(name = "place", mixinStandardHelpOptions = true, description = "Place a limit order.")
    static final class Place extends Base {
        @Option(names = "--market", defaultValue = "1", description = "Market id (default: ${DEFAULT-VALUE}).")
        int market;

        @Option(names = "--side", required = true, description = "buy or sell.")
        String side;

        @Option(names = "--price", required = true, description = "Limit price, quote atoms per base unit.")
        long price;

        @Option(names = "--size", required = true, description = "Size in base units.")
        long size;

        @Option(names = "--tif", defaultValue = "gtc", description = "gtc, ioc, fok or post_only (default: ${DEFAULT-VALUE}).")
        String tif;

        @Option(names = "--client-id", paramLabel = "ID", description = "Your own id for the order.")
        String clientOrderId;

        @Option(names = "--stp", description = "Self-trade prevention: cancel_resting, cancel_incoming, cancel_both, allow.")
        String stp;

        @Override
        ObjectNode payload(Signer signer) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "place").put("market", market).put("side", side)
                    .put("price", price).put("size", size).put("tif", tif);
            if (clientOrderId != null) {
                n.put("clientOrderId", clientOrderId);
            }
            if (stp != null) {
                n.put("stp", stp);
            }
            return n;
        }
    }

    /** Names an order by id or client id. */
    static final class OrderRef {
        @Option(names = "--order", required = true, paramLabel = "ID", description = "Order id.")
        Long order;

        @Option(names = "--client-id", required = true, paramLabel = "ID", description = "Client order id.")
        String clientOrderId;

        void put(ObjectNode n) {
            if (order != null) {
                n.put("order", order);
            } else {
                n.put("clientOrderId", clientOrderId);
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel one of your orders.")
    static final class Cancel extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        OrderRef ref;

        @Override
        ObjectNode payload(Signer signer) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "cancel");
            ref.put(n);
            return n;
        }
    }

    @Command(name = "cancel-all", mixinStandardHelpOptions = true, description = "Cancel all your orders (in one market, or all).")
    static final class CancelAll extends Base {
        @Option(names = "--market", description = "Only this market.")
        Integer market;

        @Override
        ObjectNode payload(Signer signer) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "cancel_all");
            if (market != null) {
                n.put("market", market);
            }
            return n;
        }
    }

    @Command(name = "amend", mixinStandardHelpOptions = true, description = "Change an order's price and/or size.")
    static final class Amend extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        OrderRef ref;

        @Option(names = "--price", description = "New price.")
        Long price;

        @Option(names = "--size", description = "New remaining size.")
        Long size;

        @Override
        ObjectNode payload(Signer signer) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "amend");
            ref.put(n);
            if (price != null) {
                n.put("price", price);
            }
            if (size != null) {
                n.put("size", size);
            }
            return n;
        }
    }

    @Command(name = "reduce", mixinStandardHelpOptions = true, description = "Lower an order's remaining size, keeping its priority.")
    static final class Reduce extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        OrderRef ref;

        @Option(names = "--size", required = true, description = "New remaining size (smaller than now).")
        long size;

        @Override
        ObjectNode payload(Signer signer) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "reduce");
            ref.put(n);
            n.put("size", size);
            return n;
        }
    }

    @Command(name = "deposit", mixinStandardHelpOptions = true,
            description = "Deposit collateral (needs the admin key, or a node run with --dev for your own account).")
    static final class Deposit extends Base {
        @Option(names = "--amount", required = true, description = "Quote atoms.")
        long amount;

        @Option(names = "--account", description = "Deposit to this account (admin key only; default: your own).")
        String account;

        @Override
        String account(Signer signer) {
            return account == null ? signer.account() : account;
        }

        @Override
        ObjectNode payload(Signer signer) {
            return MAPPER.createObjectNode().put("type", "deposit").put("amount", amount);
        }
    }

    @Command(name = "batch", mixinStandardHelpOptions = true,
            description = "Up to 50 order actions (place, cancel, cancel_all, amend, reduce) under one signature and one nonce.")
    static final class Batch extends Base {
        @Option(names = "--file", required = true, paramLabel = "ACTIONS.json",
                description = "A JSON array of actions, each a transaction's fields without account and nonce, "
                        + "e.g. [{\"type\":\"place\",\"market\":1,\"side\":\"buy\",\"price\":100,\"size\":5},"
                        + "{\"type\":\"cancel\",\"order\":42}]; or an object with such an \"actions\" array.")
        Path file;

        @Override
        ObjectNode payload(Signer signer) throws IOException {
            JsonNode read;
            try {
                read = MAPPER.readTree(file.toFile());
            } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
                throw new IOException("no actions file at " + file);
            } catch (IOException e) {
                throw new IOException(file + " is not JSON: " + e.getMessage());
            }
            JsonNode actions = read != null && read.isObject() ? read.get("actions") : read;
            if (actions == null || !actions.isArray()) {
                throw new IOException(file + " must hold a JSON array of actions (or an object with an \"actions\" array)");
            }
            ObjectNode n = MAPPER.createObjectNode().put("type", "batch");
            n.set("actions", actions);
            return n;
        }
    }

    @Command(name = "set-index-price", mixinStandardHelpOptions = true,
            description = "Set a market's index price (needs the market's oracle key: the genesis \"oracle\", else \"admin\").")
    static final class SetIndexPrice extends Base {
        @Option(names = "--market", defaultValue = "1", description = "Market id (default: ${DEFAULT-VALUE}).")
        int market;

        @Option(names = "--price", required = true, description = "Index price, quote atoms per base unit (a multiple of the tick).")
        long price;

        @Override
        ObjectNode payload(Signer signer) {
            return MAPPER.createObjectNode().put("type", "set_index_price").put("market", market).put("price", price);
        }
    }

    @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw collateral.")
    static final class Withdraw extends Base {
        @Option(names = "--amount", required = true, description = "Quote atoms.")
        long amount;

        @Override
        ObjectNode payload(Signer signer) {
            return MAPPER.createObjectNode().put("type", "withdraw").put("amount", amount);
        }
    }
}
