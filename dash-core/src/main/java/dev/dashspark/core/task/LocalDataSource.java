package dev.dashspark.core.task;

import dev.dashspark.core.io.RandomAccessInput;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link DataSource} over a local directory: {@code open(name)} reads {@code root/name}.
 *
 * @param root the directory; must not be {@code null}
 */
public record LocalDataSource(Path root) implements DataSource {

    public LocalDataSource {
        if (root == null) {
            throw new IllegalArgumentException("root: must not be null");
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        return new BufferedInputStream(Files.newInputStream(resolve(name)), 1 << 16);
    }

    @Override
    public RandomAccessInput openRandom(String name) throws IOException {
        Path p = resolve(name);
        try {
            return RandomAccessInput.of(p);
        } catch (java.nio.file.NoSuchFileException e) {
            java.io.FileNotFoundException f = new java.io.FileNotFoundException(p + " does not exist");
            f.initCause(e);
            throw f;
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(resolve(name));
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path resolve(String name) {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new IllegalArgumentException("name: '" + name + "' leaves the directory " + root);
        }
        return p;
    }
}
