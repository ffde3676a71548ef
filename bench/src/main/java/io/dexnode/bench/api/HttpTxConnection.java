package io.dexnode.bench.api;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that posts pre-encoded transaction requests and reads each
 * answer's status, counting the refusals its body lists ({@link Refusals}). Deliberately small: a general client (the JDK's) costs the
 * load generator several times the CPU per request, which on a shared machine is taken from the
 * node it measures. One request at a time; not thread-safe.
 */
final class HttpTxConnection implements AutoCloseable {
    /** The most of one answer kept to scan: a batch of 50 orders with their fills is a few tens of kilobytes. */
    private static final int MAX_BODY = 16 << 20;
    private final InetSocketAddress address;
    private final Refusals refusals;
    private byte[] body = new byte[4096];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpTxConnection(URI base, Refusals refusals) {
        this.address = address(base);
        this.refusals = refusals;
    }

    /** The node's socket address in a base URL (port 80 when it names none). */
    static InetSocketAddress address(URI base) {
        return new InetSocketAddress(base.getHost(), base.getPort() < 0 ? 80 : base.getPort());
    }

    /** The bytes of {@code POST path} with {@code body}, to send as they are, again and again if need be. */
    static byte[] request(URI base, String path, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Connects now (the run's clock should not time it). */
    void open() throws IOException {
        if (socket == null) {
            connect();
        }
    }

    /** Sends {@code request} and returns the answer's status; reconnects once if the server had closed the connection. */
    int post(byte[] request) throws IOException {
        boolean fresh = socket == null;
        if (fresh) {
            connect();
        }
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            connect(); // a kept-alive connection the server closed meanwhile: once more on a new one
            return exchange(request);
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 10_000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    private int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closing = true;
            }
        }
        if (chunked) {
            int at = 0;
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                at = read(at, size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            refusals.scan(body, 0, at);
        } else if (length >= 0) {
            int end = read(0, length); // may grow the buffer: read before passing it
            refusals.scan(body, 0, end);
        } else {
            closing = true; // a body to the end of the connection
        }
        if (closing) {
            close();
        }
        return code;
    }

    private String line() throws IOException {
        return line(in);
    }

    /** One line of an HTTP head, without its CR LF. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the connection closed mid-answer");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /**
     * Reads {@code n} bytes of the body into {@link #body} from {@code at}, keeping at most
     * {@link #MAX_BODY} bytes of an answer (the rest is read past); returns where the kept bytes end.
     */
    private int read(int at, long n) throws IOException {
        int keep = (int) Math.min(n, MAX_BODY - at);
        int end = at + keep;
        if (end > body.length) {
            body = Arrays.copyOf(body, Math.max(end, 2 * body.length));
        }
        for (int i = at; i < end; ) {
            int got = in.read(body, i, end - i);
            if (got < 0) {
                throw new EOFException("the connection closed mid-body");
            }
            i += got;
        }
        skip(n - keep);
        return end;
    }

    private void skip(long n) throws IOException {
        for (long left = n; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the connection closed mid-body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
