package dev.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Throw-away directories of test servers and benchmarks. */
public final class Directories {
    private Directories() {
    }

    /**
     * Deletes {@code dir} and everything under it, deepest first; a file that cannot be deleted is left (the
     * directory then stays too: check {@link Files#exists} if it matters).
     *
     * @throws UncheckedIOException if the tree cannot be walked
     */
    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
