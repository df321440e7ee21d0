package dev.dashspark.core.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read by position: the small reads of headers and zip directories ({@link #readFully}), and bulk sequential
 * reads of array data ({@link #channel}). Over a local file both are positional reads of one {@link FileChannel};
 * over a remote store an implementation may serve them differently (e.g. S3: ranged requests for the small reads, one
 * streaming request per bulk read).
 */
public interface RandomAccessInput extends Closeable {

    /** The file's length in bytes. */
    long length() throws IOException;

    /**
     * Reads exactly {@code len} bytes at {@code position} into {@code b[off, off + len)}.
     *
     * @throws EOFException if the file ends before
     */
    void readFully(long position, byte[] b, int off, int len) throws IOException;

    /**
     * A sequential channel over {@code [position, position + length)}; reading past it returns end of stream.
     * The caller closes it; closing it does not close this input.
     */
    ReadableByteChannel channel(long position, long length) throws IOException;

    /** A stream over {@code [position, position + length)} made of {@link #readFully} calls of up to {@code block} bytes. */
    default InputStream stream(long position, long length, int block) {
        RandomAccessInput self = this;
        return new InputStream() {
            private final byte[] buf = new byte[(int) Math.max(1, Math.min(block, length))];
            private long next = position;
            private final long end = position + length;
            private int pos;
            private int lim;

            @Override
            public int read() throws IOException {
                if (pos == lim && !fill()) {
                    return -1;
                }
                return buf[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pos == lim && !fill()) {
                    return -1;
                }
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }

            private boolean fill() throws IOException {
                int n = (int) Math.min(buf.length, end - next);
                if (n <= 0) {
                    return false;
                }
                long avail = self.length() - next;
                if (avail <= 0) {
                    return false;
                }
                n = (int) Math.min(n, avail);
                self.readFully(next, buf, 0, n);
                next += n;
                pos = 0;
                lim = n;
                return true;
            }
        };
    }

    /** A local file, read by position through one {@link FileChannel}. */
    static RandomAccessInput of(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new RandomAccessInput() {
            @Override
            public long length() throws IOException {
                return ch.size();
            }

            @Override
            public void readFully(long position, byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                long p = position;
                while (bb.hasRemaining()) {
                    int r = ch.read(bb, p);
                    if (r < 0) {
                        throw new EOFException(file + ": ends at byte " + p + ", before " + (position + len));
                    }
                    p += r;
                }
            }

            @Override
            public ReadableByteChannel channel(long position, long length) {
                return new ReadableByteChannel() {
                    private long next = position;
                    private final long end = position + length;
                    private boolean open = true;

                    @Override
                    public int read(ByteBuffer dst) throws IOException {
                        if (next >= end) {
                            return -1;
                        }
                        int limit = dst.limit();
                        if (dst.remaining() > end - next) {
                            dst.limit(dst.position() + (int) (end - next));
                        }
                        try {
                            int r = ch.read(dst, next);
                            if (r > 0) {
                                next += r;
                            }
                            return r;
                        } finally {
                            dst.limit(limit);
                        }
                    }

                    @Override
                    public boolean isOpen() {
                        return open;
                    }

                    @Override
                    public void close() {
                        open = false;
                    }
                };
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /** Bytes in memory (tests, class-path resources). */
    static RandomAccessInput of(byte[] bytes) {
        return new RandomAccessInput() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void readFully(long position, byte[] b, int off, int len) throws EOFException {
                if (position < 0 || position + len > bytes.length) {
                    throw new EOFException("ends at byte " + bytes.length + ", before " + (position + len));
                }
                System.arraycopy(bytes, (int) position, b, off, len);
            }

            @Override
            public ReadableByteChannel channel(long position, long length) {
                int from = (int) Math.min(position, bytes.length);
                int to = (int) Math.min(bytes.length, position + length);
                return Channels.newChannel(new java.io.ByteArrayInputStream(bytes, from, to - from));
            }

            @Override
            public void close() {
            }
        };
    }
}
