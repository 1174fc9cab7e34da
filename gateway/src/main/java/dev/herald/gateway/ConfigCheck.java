package dev.herald.gateway;

import dev.herald.config.ConfigException;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.live.LiveConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code herald check --config FILE}: validates a configuration file the way a start does (the file, its secret
 * references, and every campaign's and Canvas's messages), without opening the store or a port. Exit 0 when it
 * would start; otherwise exit 2 and the message a failed start prints, naming the key.
 */
final class ConfigCheck {
    private ConfigCheck() {
    }

    /** Runs the command; {@code args} are what follows {@code check}. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 2 || !(args.get(0).equals("--config") || args.get(0).equals("-c"))) {
            err.println("herald: usage: herald check --config FILE");
            return 2;
        }
        Path file = Path.of(args.get(1));
        try {
            HeraldConfig config = ConfigLoader.load(file);
            new LiveConfig(config); // compiles the campaigns and Canvases, as a start does
            out.println("herald: " + file + " is valid (" + config.workspaces().size() + " workspace"
                    + (config.workspaces().size() == 1 ? "" : "s") + ")");
            return 0;
        } catch (ConfigException e) {
            err.println("herald: configuration error: " + e.getMessage());
            return 2;
        }
    }
}
