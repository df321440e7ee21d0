package dev.dashspark.core.trial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link Checkpoints} in a local directory, one file per name: written to a temporary file in the same directory,
 * then moved over the old one atomically ({@code ATOMIC_MOVE}, a rename on POSIX file systems), so a reader never
 * sees a partial blob.
 */
public final class DirectoryCheckpoints implements Checkpoints {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private final Path dir;

    public DirectoryCheckpoints(Path dir) {
        this.dir = dir;
    }

    private Path file(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("checkpoint name '" + name + "': letters, digits, '_' and '-' only");
        }
        return dir.resolve(name);
    }

    @Override
    public void write(String name, Writer writer) throws IOException {
        Path target = file(name);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + name + "-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("checkpoints in " + dir + ": the file system cannot replace files atomically", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public <T> Optional<T> read(String name, Reader<T> reader) throws IOException {
        try (InputStream in = Files.newInputStream(file(name))) {
            return Optional.of(reader.read(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
