package io.dexnode.jmt.ics23;

import java.util.HexFormat;

/**
 * A JSON rendering of ICS23 proofs for tools: proto field names in camelCase, enums by their
 * proto names, every bytes field as lowercase hex, default values printed (an empty suffix is
 * {@code ""}, {@code "length":"NO_PREFIX"}); an absent neighbour of a non-existence proof is
 * omitted. Hand-written so that the {@code jmt} module stays free of dependencies.
 */
public final class Ics23Json {
    private Ics23Json() {}

    /** {@code {"root":"…","exist":{…}}} or {@code {"root":"…","nonexist":{…}}}. */
    public static String render(Ics23Proof proof) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"root\":");
        hex(sb, proof.root());
        sb.append(',');
        body(sb, proof.proof());
        return sb.append('}').toString();
    }

    /** {@code {"exist":{…}}} or {@code {"nonexist":{…}}}. */
    public static String render(CommitmentProof proof) {
        StringBuilder sb = new StringBuilder(1024).append('{');
        body(sb, proof);
        return sb.append('}').toString();
    }

    private static void body(StringBuilder sb, CommitmentProof proof) {
        switch (proof) {
            case CommitmentProof.Exist e -> {
                sb.append("\"exist\":");
                existence(sb, e.proof());
            }
            case CommitmentProof.Nonexist n -> {
                sb.append("\"nonexist\":{\"key\":");
                hex(sb, n.proof().key());
                if (n.proof().left() != null) {
                    sb.append(",\"left\":");
                    existence(sb, n.proof().left());
                }
                if (n.proof().right() != null) {
                    sb.append(",\"right\":");
                    existence(sb, n.proof().right());
                }
                sb.append('}');
            }
        }
    }

    private static void existence(StringBuilder sb, ExistenceProof p) {
        sb.append("{\"key\":");
        hex(sb, p.keyRef());
        sb.append(",\"value\":");
        hex(sb, p.valueRef());
        if (p.leaf() != null) {
            LeafOp l = p.leaf();
            sb.append(",\"leaf\":{\"hash\":\"").append(l.hash().name())
                    .append("\",\"prehashKey\":\"").append(l.prehashKey().name())
                    .append("\",\"prehashValue\":\"").append(l.prehashValue().name())
                    .append("\",\"length\":\"").append(l.length().name())
                    .append("\",\"prefix\":");
            hex(sb, l.prefix());
            sb.append('}');
        }
        sb.append(",\"path\":[");
        boolean first = true;
        for (InnerOp op : p.path()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"hash\":\"").append(op.hash().name()).append("\",\"prefix\":");
            hex(sb, op.prefixRef());
            sb.append(",\"suffix\":");
            hex(sb, op.suffixRef());
            sb.append('}');
        }
        sb.append("]}");
    }

    private static void hex(StringBuilder sb, byte[] b) {
        sb.append('"');
        HexFormat.of().formatHex(sb, b);
        sb.append('"');
    }
}
