package dev.dashspark.core.io;

import java.io.IOException;

/**
 * A task data file that cannot be used: unreadable, malformed, or not what the task declares. The message names the
 * task (when known), the file, the array (when one is concerned) and what is wrong, e.g.
 * {@code task 'ecg': data: s3a://bucket/ecg.npz[x_train]: NaN at [12, 0, 5] (sample 12); inputs must be finite}.
 * For a directory of {@code .npy} files the file already names the array ({@code /data/ecg/x_train.npy: ...}).
 */
public final class DataFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String task;
    private final String file;
    private final String array;
    private final String detail;

    /**
     * @param task   the task's name, or {@code null}
     * @param file   the file (or directory) as the user wrote it, or {@code null}
     * @param array  the array, e.g. {@code x_train}, or {@code null}
     * @param detail what is wrong, and what was expected against what was found
     * @param cause  the underlying exception, or {@code null}
     */
    public DataFileException(String task, String file, String array, String detail, Throwable cause) {
        super(message(task, file, array, detail), cause);
        this.task = task;
        this.file = file;
        this.array = array;
        this.detail = detail;
    }

    /** The same error, attributed to {@code task}. */
    public DataFileException inTask(String taskName) {
        DataFileException e = new DataFileException(taskName, file, array, detail, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The task's name, or {@code null}. */
    public String task() {
        return task;
    }

    /** The file or directory, or {@code null}. */
    public String file() {
        return file;
    }

    /** The array, or {@code null}. */
    public String array() {
        return array;
    }

    /** What is wrong, without the task, file and array. */
    public String detail() {
        return detail;
    }

    private static String message(String task, String file, String array, String detail) {
        StringBuilder sb = new StringBuilder();
        if (task != null) {
            sb.append("task '").append(task).append("': data: ");
        }
        if (file != null) {
            sb.append(file);
        }
        if (array != null && (file == null || !file.endsWith(array + ".npy"))) {
            sb.append(file == null ? array : "[" + array + "]");
        }
        if (file != null || array != null) {
            sb.append(": ");
        }
        return sb.append(detail).toString();
    }
}
