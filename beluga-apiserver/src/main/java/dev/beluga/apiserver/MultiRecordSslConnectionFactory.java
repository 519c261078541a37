package dev.beluga.apiserver;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * Jetty's TLS connection factory, except that one flush of a connection encrypts up to {@value #RECORDS_PER_WRITE}
 * TLS records into one buffer and hands them to the socket in one write. Jetty's own {@link SslConnection} encrypts
 * one record (at most 16 KiB of data) per socket write; a watch stream that sends a 40 KiB batch of events then costs
 * three system calls — and on loopback or a fast network the kernel's per-write work (segment, receive path, waking
 * the reader) is most of the cost of a write. Measured with {@code beluga bench api}: see docs/apiserver.md.
 *
 * <p>Only application data is batched: while the engine is handshaking (or answering a key update) each wrap is a
 * single call as in Jetty, and a wrap that does not end in {@code OK} and {@code NOT_HANDSHAKING} is handed back as it
 * came. The larger encrypted-output buffer is asked of the connector's pool (pooled up to its largest bucket, 64 KiB by
 * default); inputs and other buffers are as in Jetty.
 */
public final class MultiRecordSslConnectionFactory extends SslConnectionFactory {
    /** Records one flush may encrypt into its buffer before writing it. */
    public static final int RECORDS_PER_WRITE = 3;

    MultiRecordSslConnectionFactory(SslContextFactory.Server ssl, String nextProtocol) {
        super(ssl, nextProtocol);
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
        ByteBufferPool pool = new MultiPacketBuffers(connector.getByteBufferPool(), engine);
        return new MultiRecordSslConnection(pool, connector, getSslContextFactory(), endPoint, engine, isDirectBuffersForEncryption(),
            isDirectBuffersForDecryption());
    }

    /**
     * Hands out buffers of several TLS packets when asked for one packet of encrypted data (Jetty sizes its encrypted
     * input and output buffers by {@code SSLSession.getPacketBufferSize()}); other requests pass through unchanged.
     * A larger encrypted input is harmless: one read then takes in several records, which Jetty unwraps in turn.
     */
    private static final class MultiPacketBuffers extends ByteBufferPool.Wrapper {
        private final SSLEngine engine;

        MultiPacketBuffers(ByteBufferPool pool, SSLEngine engine) {
            super(pool);
            this.engine = engine;
        }

        @Override
        public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
            int packet = engine.getSession().getPacketBufferSize();
            return super.acquire(size == packet ? size * RECORDS_PER_WRITE : size, direct);
        }
    }

    private static final class MultiRecordSslConnection extends SslConnection {
        MultiRecordSslConnection(ByteBufferPool pool, Connector connector, SslContextFactory ssl, EndPoint endPoint, SSLEngine engine,
                                 boolean directEncryption, boolean directDecryption) {
            super(pool, connector.getExecutor(), ssl, endPoint, engine, directEncryption, directDecryption);
        }

        /**
         * Wraps as Jetty does, then — for application data — goes on wrapping records while data is left and the
         * output has room for a whole packet. The result adds up the bytes consumed and produced.
         */
        @Override
        protected SSLEngineResult wrap(SSLEngine sslEngine, ByteBuffer[] input, ByteBuffer output) throws SSLException {
            SSLEngineResult first = super.wrap(sslEngine, input, output);
            if (!isDataWrap(first)) return first;
            int packet = sslEngine.getSession().getPacketBufferSize();
            int consumed = first.bytesConsumed();
            int produced = first.bytesProduced();
            SSLEngineResult last = first;
            while (output.remaining() >= packet && hasRemaining(input)) {
                last = sslEngine.wrap(input, output);
                consumed += last.bytesConsumed();
                produced += last.bytesProduced();
                if (!isDataWrap(last)) break;
            }
            return new SSLEngineResult(last.getStatus(), last.getHandshakeStatus(), consumed, produced);
        }

        private static boolean isDataWrap(SSLEngineResult r) {
            return r.getStatus() == SSLEngineResult.Status.OK && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && r.bytesConsumed() > 0;
        }

        private static boolean hasRemaining(ByteBuffer[] buffers) {
            for (ByteBuffer b : buffers) if (b.hasRemaining()) return true;
            return false;
        }
    }
}
