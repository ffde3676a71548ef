package io.dexnode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.node.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The trading page's files as the node serves them: the right types, the security headers, nothing else of the jar. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebAssetsTest {
    private static TestNode node;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.dev();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootServesThePageWithAStrictPolicy() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(r.body()).contains("<script type=\"module\" src=\"/app/main.js\"></script>").doesNotContain("<style");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'", "connect-src 'self' ws://127.0.0.1:" + URI.create(node.url()).getPort())
                .doesNotContain("unsafe");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void scriptsAndStylesAreServedWithTheirTypes() throws Exception {
        HttpResponse<String> js = get("/app/main.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=utf-8");
        assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(get("/app/app.css").headers().firstValue("Content-Type")).hasValue("text/css;charset=utf-8");
        assertThat(get("/app/icon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
    }

    @Test
    void nothingElseOfTheJarIsReachable() throws Exception {
        for (String path : new String[] {"/app/missing.js", "/app/..%2Fio%2Fdexnode%2Fnode%2FGenesis.class", "/app/genesis.json",
                "/app/Main.JS", "/app/", "/app/a/b.js", "/index.html", "/web/index.html"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).startsWith("{\"code\":");
        }
    }

    @Test
    void aHostHeaderThatIsNotAHostIsNotEchoedIntoThePolicy() {
        assertThat(WebAssets.contentSecurityPolicy("evil.example; script-src *")).doesNotContain("evil").contains("connect-src 'self';");
        assertThat(WebAssets.contentSecurityPolicy(null)).contains("connect-src 'self';");
        assertThat(WebAssets.contentSecurityPolicy("[::1]:8080")).contains("ws://[::1]:8080 wss://[::1]:8080");
    }

    /** A name that is no file is looked up and answered 404 each time, never remembered: no client can grow the node's memory. */
    @Test
    void missingFilesAreNotRemembered() throws Exception {
        WebAssets page = new WebAssets();
        io.javalin.Javalin app = io.javalin.Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get(WebAssets.PREFIX + "{file}", page::file);
        }).start("127.0.0.1", 0);
        try {
            for (int i = 0; i < 500; i++) {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/app/missing-"
                        + i + ".js")).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(404);
            }
            assertThat(page.filesKept()).isZero();
            HttpResponse<Void> found = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/app/main.js"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(page.filesKept()).isEqualTo(1);
        } finally {
            app.stop();
        }
    }
}
