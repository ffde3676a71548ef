package io.dexnode.node.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The trading page's files: plain HTML, CSS and JavaScript modules under {@code /web/} in the jar,
 * served at {@code /} (the page) and under {@link #PREFIX} (everything it loads). Only flat names
 * of known types are looked up, so no request reaches another resource of the jar; each file is
 * read once, must stay under {@link #MAX_FILE_BYTES}, and goes out with a strict
 * Content-Security-Policy (the page's own scripts and styles only, no framing) and
 * {@code nosniff}, so that nothing but the checked-in code can run in the page.
 */
public final class WebAssets {
    /** Where the page's own files are served: one fixed prefix, nothing else under it. */
    public static final String PREFIX = "/app/";
    /** The page's files are small; a larger one is a packaging mistake, refused rather than served. */
    static final int MAX_FILE_BYTES = 256 * 1024;
    private static final String ROOT = "/web/";
    private static final String PAGE = "index.html";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|css|js|svg|txt)");
    /** A Host header the policy may name: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(:[0-9]{1,5})?");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml",
            "txt", "text/plain;charset=utf-8");

    private record Asset(byte[] bytes, String contentType) {
    }

    /**
     * Files read so far. Only files that exist are kept (at most the jar's few): a name that is not
     * one is looked up again each time rather than remembered, so no client can grow this map.
     */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** How many files are kept in memory (at most the page's own). */
    int filesKept() {
        return cache.size();
    }

    /** Whether {@code path} is one of the page's: {@code /} or under {@link #PREFIX}. */
    public static boolean isPagePath(String path) {
        return path.equals("/") || path.startsWith(PREFIX);
    }

    /** Answers {@code GET /}: the page. */
    public void page(Context ctx) {
        serve(ctx, PAGE);
    }

    /** Answers {@code GET /app/{file}}: one of the page's files, or 404 not_found. */
    public void file(Context ctx) {
        serve(ctx, ctx.pathParam("file"));
    }

    private void serve(Context ctx, String name) {
        Asset asset = NAME.matcher(name).matches() ? find(name) : null;
        if (asset == null) {
            throw new NotFoundResponse();
        }
        ctx.header("Content-Security-Policy", contentSecurityPolicy(ctx.header("Host")));
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
    }

    /**
     * The page's policy: everything from this origin only; no inline script or style, no plugins,
     * no framing by anyone, forms post nowhere else. The WebSocket stream is named explicitly for
     * the host the browser asked for ({@code 'self'} covers ws: only in newer browsers); a Host
     * header that is not a plain host name is left out rather than echoed.
     */
    static String contentSecurityPolicy(String host) {
        String stream = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'" + stream
                + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private Asset find(String name) {
        Asset cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        Asset loaded = load(name);
        if (loaded != null) {
            cache.put(name, loaded);
        }
        return loaded;
    }

    /** The file, or null when the jar has none of that name. */
    private static Asset load(String name) {
        try (InputStream in = WebAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalStateException("web/" + name + " is over " + MAX_FILE_BYTES + " bytes; the page's files must stay small");
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            return new Asset(bytes, TYPES.get(ext));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web/" + name + " from the jar", e);
        }
    }
}
