package dev.herald.gateway.console;

import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.RequestProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The console's static files, read from the jar once at start and served from memory: the page, its script and
 * style, and the chart library from its WebJar (no CDN: the console works on a machine without the internet). Only
 * the files listed here exist, so no path can reach anything else on the classpath.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts from this origin only, JSON calls to this origin
 * only, no framing) and {@code Referrer-Policy: no-referrer}: the API key the page holds never leaves it except in
 * the {@code Authorization} header of its own same-origin calls.
 */
public final class ConsoleAssets implements RequestProcessor {
    /** Where the console lives on the ops port. */
    public static final String ROOT = "/console";
    private static final String ECHARTS = "org.webjars.npm/echarts";
    // Styles: the chart library positions its tooltips with inline style attributes.
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets;

    private ConsoleAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** Loads the console's files from the classpath; a missing one is a broken build and fails the start. */
    public static ConsoleAssets load() {
        ClassLoader loader = ConsoleAssets.class.getClassLoader();
        Map<String, Asset> map = new LinkedHashMap<>();
        Asset page = new Asset("text/html; charset=utf-8", read(loader, "console/index.html"));
        map.put(ROOT, page);
        map.put(ROOT + "/index.html", page);
        map.put(ROOT + "/console.js", new Asset("text/javascript; charset=utf-8", read(loader, "console/console.js")));
        map.put(ROOT + "/console.css", new Asset("text/css; charset=utf-8", read(loader, "console/console.css")));
        map.put(ROOT + "/favicon.svg", new Asset("image/svg+xml", read(loader, "console/favicon.svg")));
        String echarts = "META-INF/resources/webjars/echarts/" + webJarVersion(loader, ECHARTS) + "/dist/echarts.min.js";
        map.put(ROOT + "/vendor/echarts.min.js", new Asset("text/javascript; charset=utf-8", read(loader, echarts)));
        return new ConsoleAssets(map);
    }

    @Override
    public CompletionStage<ApiResponse> process(ApiRequest request) {
        Asset asset = assets.get(request.path());
        ApiResponse response;
        if (asset == null) {
            response = ApiResponse.error(404, "Not Found: there is no endpoint at " + request.path(), List.of());
        } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            response = ApiResponse.error(405, "Method Not Allowed: " + request.path() + " accepts GET", List.of())
                    .withHeader("Allow", "GET, HEAD");
        } else {
            response = new ApiResponse(200, Map.of("Content-Type", asset.contentType()),
                    request.method().equals("HEAD") ? new byte[0] : asset.bytes());
        }
        return CompletableFuture.completedFuture(secured(response));
    }

    /** The headers every console answer carries, errors included. */
    static ApiResponse secured(ApiResponse response) {
        return response.withHeaders(Map.of(
                "Content-Security-Policy", CSP,
                "X-Content-Type-Options", "nosniff",
                "X-Frame-Options", "DENY",
                "Referrer-Policy", "no-referrer",
                // Revalidated on every load, so an upgraded Herald never runs with yesterday's script.
                "Cache-Control", "no-cache"));
    }

    /** The version of a WebJar on the classpath, from the Maven metadata inside it. */
    private static String webJarVersion(ClassLoader loader, String groupAndArtifact) {
        String path = "META-INF/maven/" + groupAndArtifact + "/pom.properties";
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the console's WebJar is not on the classpath: " + path);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(ClassLoader loader, String path) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the console's file is not in the jar: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
