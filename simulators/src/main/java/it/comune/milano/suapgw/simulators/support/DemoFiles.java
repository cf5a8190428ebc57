package it.comune.milano.suapgw.simulators.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The demo's files (keys, registries under {@code config/demo}) from the working directory or one of its parents. */
public final class DemoFiles {
    private DemoFiles() {
    }

    /** {@code relative} in the working directory or the nearest parent that has it (the tests run in a module directory). */
    public static Optional<Path> find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@link #find}, or an error naming what is missing. */
    public static Path require(String relative) {
        return find(relative).orElseThrow(() -> new IllegalStateException(relative + " not found from " + Path.of("").toAbsolutePath()));
    }
}
