package dev.herald.gateway;

import dev.herald.config.ConfigException;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.StoreLockedException;
import dev.herald.gateway.store.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code herald [--config FILE]}. Without a file (and without {@code HERALD_CONFIG}) Herald
 * starts on the embedded default: SQLite under {@code ./data}, one sandbox workspace, and an API key printed
 * once at first start and stored only as a hash. {@code herald key ...} makes an API key ({@link KeyTool});
 * {@code herald check --config FILE} validates a file without starting ({@link ConfigCheck}).
 */
public final class HeraldMain {
    private static final Logger logger = LoggerFactory.getLogger(HeraldMain.class);
    static final Path EMBEDDED_KEY_HASH = Path.of("data", "default-api-key.sha256");

    private HeraldMain() {
    }

    /** Entry point. Exit status 2 for a bad configuration, 1 when the store or a port cannot be used. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("key") || args[0].equals("check"))) {
            List<String> rest = List.of(args).subList(1, args.length);
            System.exit(args[0].equals("key") ? KeyTool.run(rest, System.out, System.err)
                    : ConfigCheck.run(rest, System.out, System.err));
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        fail(2, "--config needs a file");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println("""
                            usage: herald [--config FILE]   (or HERALD_CONFIG=FILE; none: embedded default)
                                   herald key --name NAME --permissions a,b   (a new API key and its config entry)
                                   herald check --config FILE                 (validate a file without starting)""");
                    return;
                }
                default -> fail(2, "unknown argument " + args[i] + " (usage: herald [--config FILE])");
            }
        }
        if (configFile == null && System.getenv("HERALD_CONFIG") != null && !System.getenv("HERALD_CONFIG").isBlank()) {
            configFile = Path.of(System.getenv("HERALD_CONFIG"));
        }
        HeraldConfig config = null;
        try {
            config = configFile != null ? ConfigLoader.load(configFile) : embeddedDefault(EMBEDDED_KEY_HASH, System.out);
        } catch (ConfigException e) {
            fail(2, "configuration error: " + e.getMessage());
        }
        LogFormat.apply(config.log());
        Herald herald = null;
        Path file = configFile;
        Optional<Supplier<HeraldConfig>> reloadSource = file == null ? Optional.empty()
                : Optional.of(() -> ConfigLoader.load(file));
        try {
            herald = Herald.start(config, Herald.Overrides.none(), reloadSource);
        } catch (StoreLockedException | StoreUnavailableException e) {
            fail(1, e.getMessage());
        } catch (ConfigException e) {
            fail(2, "configuration error: " + e.getMessage());
        } catch (RuntimeException e) {
            if (rootCause(e) instanceof BindException bind) {
                fail(1, "cannot listen on port " + config.server().port() + " or " + config.server().opsPort() + ": "
                        + bind.getMessage());
            }
            throw e;
        }
        Herald running = herald;
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("herald-shutdown").unstarted(() -> {
            logger.info("stopping");
            running.close();
            logger.info("stopped");
            stopped.countDown();
        }));
        exitZeroOnStop();
        if (file != null) {
            reloadOnHangup(running);
        }
        if (config.server().console()) {
            logger.info("operator console: http://{}:{}/console/ (sign in with a herald.admin key)",
                    config.server().opsBindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.server().opsBindAddress(),
                    running.opsPort());
        }
        logger.info("Herald ready: API on {}:{}, ops on {}:{}, store {}", config.server().bindAddress(),
                running.apiPort(), config.server().opsBindAddress(), running.opsPort(), config.store().postgres()
                        .map(StoreConfig.PostgresConfig::displayUrl).orElse(config.store().path().toString()));
        stopped.await();
    }

    /**
     * {@code SIGTERM} and {@code SIGINT} stop Herald gracefully (the shutdown hook finishes in-flight work) and exit
     * 0, as supervisors expect of a clean stop, instead of the JVM's default 143 / 130.
     */
    @SuppressWarnings("restriction")
    private static void exitZeroOnStop() {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal ->
                        Thread.ofPlatform().name("herald-stop").start(() -> System.exit(0)));
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                logger.debug("cannot handle SIG{} on this platform; the JVM's default applies", name);
            }
        }
    }

    /** {@code kill -HUP} reloads the configuration file, like {@code POST /herald/v1/admin/reload}. */
    @SuppressWarnings("restriction")
    private static void reloadOnHangup(Herald herald) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal ->
                    Thread.ofVirtual().name("herald-reload").start(herald::reload));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            logger.info("SIGHUP reload is not available on this platform; use POST /herald/v1/admin/reload");
        }
    }

    /** The embedded default, generating and printing its API key the first time. */
    static HeraldConfig embeddedDefault(Path keyHashFile, PrintStream out) {
        try {
            String hash;
            if (Files.exists(keyHashFile)) {
                hash = Files.readString(keyHashFile, StandardCharsets.US_ASCII).trim();
                out.println("Herald: embedded default configuration (sandbox workspace \"default\"); the API key was "
                        + "printed at first start. Delete " + keyHashFile + " to generate a new one.");
            } else {
                String key = KeyTool.newKey();
                hash = ApiKeyAuthenticator.sha256Hex(key);
                Files.createDirectories(keyHashFile.getParent());
                Files.writeString(keyHashFile, hash + "\n", StandardCharsets.US_ASCII);
                out.println("""
                        Herald: embedded default configuration (sandbox workspace "default", nothing leaves this machine).
                        Your API key, shown only this once (Herald keeps just its SHA-256 in %s):

                            %s

                        Try: KEY=%s
                             curl -s -X POST http://127.0.0.1:8080/messages/send \\
                               -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
                               -d '{"external_user_ids":["u1"],"messages":{"webhook":{"url":"https://example.test/hook","request_method":"POST","body":"hi"}}}'
                        """.formatted(keyHashFile, key, key));
            }
            return HeraldConfig.embeddedDefault(hash);
        } catch (IOException e) {
            throw new ConfigException("cannot read or write " + keyHashFile + ": " + e.getMessage(), e);
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null && cur.getCause() != cur) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static void fail(int status, String message) {
        System.err.println("herald: " + message);
        System.exit(status);
    }
}
