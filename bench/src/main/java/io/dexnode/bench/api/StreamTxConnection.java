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
 * {@code {"op":"tx","id":…,"tx":…}} and gives each one the status of its {@code tx_result},
 * counting the refusals it lists ({@link Refusals}): either one at a time, read by the thread that
 * sent it ({@link #call}, a closed loop), or any number waiting, read by a thread of its own
 * ({@link #send}, an open loop).
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
    private static final String RESULT_PREFIX = "{\"op\":\"tx_result\",\"id\":\"";
    /** The largest answer read: a batch of 50 orders with their fills is a few tens of kilobytes. */
    private static final int MAX_MESSAGE = 16 << 20;

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final Map<String, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();
    private final Refusals refusals;
    /** Reads the answers of a connection that may have many waiting; null when {@link #call} reads them. */
    private final Thread reader;
    /** The message being read, reused: by the reader thread, or by the caller of {@link #call}. */
    private final ByteArrayOutputStream message = new ByteArrayOutputStream(4096);
    private volatile boolean closed;

    /**
     * Connects and upgrades to the stream. With a {@code readerName}, answers are read on a thread of
     * that name and {@link #send} may have any number waiting; without (null), {@link #call} sends one
     * and reads its answer itself.
     */
    StreamTxConnection(URI base, Refusals refusals, String readerName) throws IOException {
        this.refusals = refusals;
        socket.setTcpNoDelay(true);
        socket.connect(HttpTxConnection.address(base), 10_000);
        socket.setSoTimeout(120_000); // as HTTP's: a node silent that long (it pings every 15 s) fails what waits
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
        try {
            upgrade(base);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        if (readerName == null) {
            reader = null;
        } else {
            reader = new Thread(this::readAnswers, readerName);
            reader.setDaemon(true);
            reader.start();
        }
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
        if (reader == null) {
            throw new IllegalStateException("this connection has no reader thread: use call");
        }
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

    /**
     * Sends a frame built by {@link #frame(String, String)} for {@code id} and reads the stream on
     * this thread until its answer: the answer's status. For a connection without a reader thread,
     * one transaction at a time (a closed loop), as an HTTP connection is used: no hand-over between
     * threads per transaction, which cost the load generator half as much CPU again as HTTP's.
     */
    int call(String id, byte[] frame) throws IOException {
        if (reader != null) {
            throw new IllegalStateException("this connection's answers are read by its reader thread: use send");
        }
        write(frame);
        while (true) {
            byte[] message = nextMessage();
            String s = new String(message, StandardCharsets.UTF_8);
            if (id.equals(answerId(s))) {
                refusals.scan(message, 0, message.length);
                return answerStatus(s);
            }
        }
    }

    /** The reader thread: text messages are answers; a close or an error fails what waits. */
    private void readAnswers() {
        try {
            while (true) {
                answered(nextMessage());
            }
        } catch (IOException e) {
            if (!closed) {
                failAll(e);
            }
        }
    }

    /** The next whole text message; pings are answered on the way, a close frame ends the stream (an IOException naming its code). */
    private byte[] nextMessage() throws IOException {
        message.reset();
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
                    return message.toByteArray();
                }
            } else if (opcode == OP_PING) {
                write(frame(OP_PONG, payload));
            } else if (opcode == OP_CLOSE) {
                int code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : 1005;
                throw new IOException("the stream closed: " + code + " "
                        + new String(payload, Math.min(2, payload.length), Math.max(0, payload.length - 2), StandardCharsets.UTF_8));
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

    /** An answer's future completed with its status, its refusals counted; other messages are ignored. */
    private void answered(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        String id = answerId(s);
        CompletableFuture<Integer> answer = id == null ? null : waiting.remove(id);
        if (answer != null) {
            refusals.scan(bytes, 0, bytes.length);
            answer.complete(answerStatus(s));
        }
    }

    /**
     * A {@code tx_result} reads {@code {"op":"tx_result","id":"<id>","status":<n>,…}}: the node writes
     * those three first, so they are found without parsing the rest. Null for any other message.
     */
    static String answerId(String message) {
        if (!message.startsWith(RESULT_PREFIX)) {
            return null;
        }
        int idEnd = message.indexOf('"', RESULT_PREFIX.length());
        return idEnd < 0 ? null : message.substring(RESULT_PREFIX.length(), idEnd);
    }

    /** The {@code status} of a message {@link #answerId} found an id in. */
    static int answerStatus(String message) {
        int statusAt = message.indexOf("\"status\":", RESULT_PREFIX.length()) + 9;
        int statusEnd = statusAt;
        while (statusEnd < message.length() && Character.isDigit(message.charAt(statusEnd))) {
            statusEnd++;
        }
        return Integer.parseInt(message.substring(statusAt, statusEnd));
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
        if (reader != null) {
            reader.join(5_000);
        }
        failAll(new IllegalStateException("the connection was closed"));
    }
}
