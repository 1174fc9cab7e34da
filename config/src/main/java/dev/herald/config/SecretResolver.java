package dev.herald.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:/path}} references inside configuration strings.
 *
 * <p>Only these two forms are touched: Braze Liquid such as {@code {{${first_name}}}} in message templates
 * passes through unchanged. A file reference yields the file's content with one trailing newline removed,
 * the way Docker and Kubernetes secrets are mounted.
 */
public final class SecretResolver {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final Function<String, String> environment;

    private SecretResolver(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Reads the process environment and the file system. */
    public static SecretResolver system() {
        return new SecretResolver(System::getenv);
    }

    /** Reads the given environment (tests) and the file system. */
    public static SecretResolver withEnvironment(Map<String, String> environment) {
        Map<String, String> copy = Map.copyOf(environment);
        return new SecretResolver(copy::get);
    }

    /** Whether the text contains a reference this resolver would replace. */
    static boolean hasReference(String text) {
        return REFERENCE.matcher(text).find();
    }

    /**
     * Replaces every reference in {@code text}.
     *
     * @param path the configuration key, used in error messages
     * @throws ConfigException if a variable is unset or a file cannot be read
     */
    String resolve(String path, String text) {
        Matcher m = REFERENCE.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        do {
            String kind = m.group(1);
            String name = m.group(2).trim();
            String value = kind.equals("env") ? env(path, name) : file(path, name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    private String env(String path, String name) {
        String value = environment.apply(name);
        if (value == null) {
            throw new ConfigException(path + ": environment variable " + name + " is not set");
        }
        return value;
    }

    private static String file(String path, String name) {
        Objects.requireNonNull(name, "name");
        try {
            String content = Files.readString(Path.of(name), StandardCharsets.UTF_8);
            return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read secret file " + name + " (" + e.getMessage() + ")", e);
        }
    }
}
