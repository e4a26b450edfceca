package io.sluice.client.rows;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The array behind a ByteString, without copying it: an array-backed ByteString (what the client's frames and
 * protobuf's aliasing parse give) hands its array, offset and length to {@code writeLazy}. Any other kind (a rope,
 * a direct buffer) is copied once.
 */
final class Capture extends ByteOutput {

    byte[] array;
    int offset;
    int length;
    private int chunks;

    void of(ByteString bytes) {
        chunks = 0;
        array = null;
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, this);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // this ByteOutput never throws
        }
        if (chunks != 1 || array == null) {
            array = bytes.toByteArray();
            offset = 0;
        }
        length = bytes.size();
    }

    @Override
    public void writeLazy(byte[] value, int off, int len) {
        chunks++;
        array = value;
        offset = off;
    }

    @Override
    public void write(byte[] value, int off, int len) {
        chunks = 2; // not the ByteString's own array: fall back to a copy
    }

    @Override
    public void write(byte value) {
        chunks = 2;
    }

    @Override
    public void write(ByteBuffer value) {
        chunks = 2;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
        chunks = 2;
    }
}
