package dev.dashspark.core.trial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where one trial keeps its checkpoints: named blobs (a stage's network and updater state, its epoch, the chosen
 * architecture, finished HPO scores), so that a retried or rerun trial resumes where the last one stopped. dash-core
 * only names and reads them; the storage (a local folder, or {@code <output>/_checkpoints/<trial_id>/} on any Hadoop
 * file system in a sweep) is the caller's.
 *
 * <p>Contract: {@link #write} is atomic per name (a reader sees the previous content or the new one, never a part of
 * it), and {@link #read} of a name never written returns empty.
 */
public interface Checkpoints {

    /** Writes one blob. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Reads one blob. */
    @FunctionalInterface
    interface Reader<T> {
        T read(InputStream in) throws IOException;
    }

    /** Replaces the blob {@code name} atomically with what {@code writer} writes. */
    void write(String name, Writer writer) throws IOException;

    /** The blob {@code name} as {@code reader} reads it, or empty when it was never written. */
    <T> Optional<T> read(String name, Reader<T> reader) throws IOException;

    /** Removes every blob of the trial. */
    void clear() throws IOException;

    /** Every {@code n} epochs of a stage of {@code epochs}; {@code n ≤ 0} picks ⌈epochs/10⌉ (at most ~10 % lost). */
    static int interval(int n, int epochs) {
        return n > 0 ? n : Math.max(1, (epochs + 9) / 10);
    }

    /** No checkpoints: nothing is written and nothing is ever found. */
    Checkpoints NONE = new Checkpoints() {
        @Override
        public void write(String name, Writer writer) {
        }

        @Override
        public <T> Optional<T> read(String name, Reader<T> reader) {
            return Optional.empty();
        }

        @Override
        public void clear() {
        }
    };
}
