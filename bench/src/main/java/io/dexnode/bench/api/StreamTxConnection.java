package io.dexnode.bench.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket connection to {@code /v1/stream} that sends signed transactions as
 * {@code {"op":"tx","id":…,"tx":…}} and completes each one's future with the status of its
 * {@code tx_result}, counting the refusals it lists ({@link Refusals}). Any number may wait for
 * answers; a thread of its own reads them.
 *
 * <p>Deliberately small, as {@link HttpTxConnection} is: RFC 6455 over a plain socket, frames built
 * before the clock starts. The JDK's WebSocket client took twice the load generator's CPU per
 * transaction of the HTTP one, which on a shared machine is taken from the node it measures. Its
 * frames carry the zero masking key: RFC 6455 asks clients for unpredictable keys so that proxies
 * that misread the stream cannot be poisoned by it; a benchmark talking to a node has none.
 */
final class StreamTxConnection implements AutoCloseable {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;
    /** The largest answer read: a batch of 50 orders with their fills is a few tens of kilobytes. */
    private static final int MAX_MESSAGE = 16 << 20;

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final Map<String, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();
    private final Refusals refusals;
    private final Thread reader;
    private volatile boolean closed;

    /** Connects and upgrades to the stream; answers are read on a thread named {@code readerName}. */
    StreamTxConnection(URI base, Refusals refusals, String readerName) throws IOException {
        this.refusals = refusals;
        socket.setTcpNoDelay(true);
        socket.connect(HttpTxConnection.address(base), 10_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
        try {
            upgrade(base);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        reader = new Thread(this::readAnswers, readerName);
        reader.setDaemon(true);
        reader.start();
    }

    private void upgrade(URI base) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET /v1/stream HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = HttpTxConnection.line(in);
        String accept = null;
        for (String h = HttpTxConnection.line(in); !h.isEmpty(); h = HttpTxConnection.line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("sec-websocket-accept:")) {
                accept = h.substring(21).trim();
            }
        }
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("the node refused the stream: " + status);
        }
        if (!acceptOf(key).equals(accept)) {
            throw new IOException("not a WebSocket upgrade: Sec-WebSocket-Accept " + accept);
        }
    }

    static String acceptOf(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The frame that carries {@code envelope} under {@code id}: built before the clock starts. */
    static byte[] frame(String id, String envelope) {
        return frame(OP_TEXT, ("{\"op\":\"tx\",\"id\":\"" + id + "\",\"tx\":" + envelope + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** A final, masked client frame (zero key: the payload as it is). */
    static byte[] frame(int opcode, byte[] payload) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
        byte[] f = new byte[2 + lengthBytes + 4 + n];
        f[0] = (byte) (0x80 | opcode);
        if (lengthBytes == 0) {
            f[1] = (byte) (0x80 | n);
        } else if (lengthBytes == 2) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, 2 + lengthBytes + 4, n);
        return f;
    }

    /** Sends a frame built by {@link #frame(String, String)} for {@code id}; the future completes with the answer's status. */
    CompletableFuture<Integer> send(String id, byte[] frame) throws IOException {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            write(frame);
        } catch (IOException e) {
            waiting.remove(id);
            throw e;
        }
        return answer;
    }

    private void write(byte[] frame) throws IOException {
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    /** The reader thread: text messages are answers, pings are answered, a close or an error fails what waits. */
    private void readAnswers() {
        ByteArrayOutputStream message = new ByteArrayOutputStream(4096);
        try {
            while (true) {
                int b0 = read();
                int b1 = read();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (long) read() << 8 | read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = length << 8 | read();
                    }
                }
                if ((b1 & 0x80) != 0 || length < 0 || message.size() + length > MAX_MESSAGE) {
                    throw new IOException("a frame this client does not read (masked, or over " + MAX_MESSAGE + " bytes)");
                }
                byte[] payload = in.readNBytes((int) length);
                if (payload.length != length) {
                    throw new EOFException("the stream closed mid-frame");
                }
                int opcode = b0 & 0x0F;
                if (opcode == OP_TEXT || opcode == OP_CONTINUATION) {
                    message.write(payload);
                    if ((b0 & 0x80) != 0) {
                        answered(message.toByteArray());
                        message.reset();
                    }
                } else if (opcode == OP_PING) {
                    write(frame(OP_PONG, payload));
                } else if (opcode == OP_CLOSE) {
                    int code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : 1005;
                    failAll(new IllegalStateException("the stream closed: " + code + " "
                            + new String(payload, Math.min(2, payload.length), Math.max(0, payload.length - 2), StandardCharsets.UTF_8)));
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                failAll(e);
            }
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the stream closed");
        }
        return b;
    }

    /**
     * A {@code tx_result} reads {@code {"op":"tx_result","id":"<id>","status":<n>,…}}: the node writes
     * those three first, so they are found without parsing the rest. Other messages are ignored.
     */
    private void answered(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (!s.startsWith("{\"op\":\"tx_result\",\"id\":\"")) {
            return;
        }
        int idStart = 24;
        int idEnd = s.indexOf('"', idStart);
        int statusAt = s.indexOf("\"status\":", idEnd) + 9;
        int statusEnd = statusAt;
        while (statusEnd < s.length() && Character.isDigit(s.charAt(statusEnd))) {
            statusEnd++;
        }
        CompletableFuture<Integer> answer = waiting.remove(s.substring(idStart, idEnd));
        if (answer != null) {
            refusals.scan(bytes, 0, bytes.length);
            answer.complete(Integer.parseInt(s.substring(statusAt, statusEnd)));
        }
    }

    private void failAll(Throwable cause) {
        waiting.values().forEach(f -> f.completeExceptionally(cause));
        waiting.clear();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        reader.join(5_000);
        failAll(new IllegalStateException("the connection was closed"));
    }
}
