package dev.beluga.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting, from a thread that may block (a virtual thread of a request), for one of Jetty's asynchronous writes or
 * reads: the failure's {@link IOException} is rethrown as it is, other failures wrapped in one; an interrupt becomes
 * an {@link InterruptedIOException} with the thread's interrupt flag set again.
 */
public final class Futures {
    private Futures() {
    }

    public static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for I/O");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
