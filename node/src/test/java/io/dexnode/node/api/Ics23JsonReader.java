package io.dexnode.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dexnode.jmt.ics23.CommitmentProof;
import io.dexnode.jmt.ics23.ExistenceProof;
import io.dexnode.jmt.ics23.HashOp;
import io.dexnode.jmt.ics23.InnerOp;
import io.dexnode.jmt.ics23.LeafOp;
import io.dexnode.jmt.ics23.LengthOp;
import io.dexnode.jmt.ics23.NonExistenceProof;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What a light client does with {@code /v1/proof}'s {@code ics23} JSON: read it back into the ICS23 model. */
final class Ics23JsonReader {
    private static final HexFormat HEX = HexFormat.of();

    private Ics23JsonReader() {
    }

    static CommitmentProof read(JsonNode n) {
        if (n.has("exist")) {
            return new CommitmentProof.Exist(existence(n.get("exist")));
        }
        JsonNode ne = n.get("nonexist");
        return new CommitmentProof.Nonexist(new NonExistenceProof(HEX.parseHex(ne.path("key").asText()),
                ne.has("left") ? existence(ne.get("left")) : null, ne.has("right") ? existence(ne.get("right")) : null));
    }

    private static ExistenceProof existence(JsonNode e) {
        JsonNode l = e.get("leaf");
        LeafOp leaf = new LeafOp(HashOp.valueOf(l.path("hash").asText()), HashOp.valueOf(l.path("prehashKey").asText()),
                HashOp.valueOf(l.path("prehashValue").asText()), LengthOp.valueOf(l.path("length").asText()),
                HEX.parseHex(l.path("prefix").asText()));
        List<InnerOp> path = new ArrayList<>();
        for (JsonNode op : e.path("path")) {
            path.add(new InnerOp(HashOp.valueOf(op.path("hash").asText()), HEX.parseHex(op.path("prefix").asText()),
                    HEX.parseHex(op.path("suffix").asText())));
        }
        return new ExistenceProof(HEX.parseHex(e.path("key").asText()), HEX.parseHex(e.path("value").asText()), leaf, path);
    }
}
