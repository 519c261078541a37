package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.util.concurrent.locks.LockSupport;

/**
 * A client-side token bucket for API requests, as client-go's {@code --kube-api-qps}/{@code --kube-api-burst}
 * (kube-controller-manager's defaults are 20 and 30): {@link #before} blocks the calling thread until a token is
 * free. Beluga's components run without it by default (the API server protects itself); it exists to compare with
 * upstream's defaults and for operators who want it. Thread-safe; fair in arrival order of reservations.
 */
public final class ClientRateLimiter implements Interceptor {
    private final double qps;
    private final double burst;
    private double tokens;
    private long lastNanos = System.nanoTime();

    public ClientRateLimiter(double qps, int burst) {
        if (qps <= 0 || burst < 1) throw new IllegalArgumentException("qps must be > 0 and burst >= 1");
        this.qps = qps;
        this.burst = burst;
        this.tokens = burst;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        acquire();
    }

    /** Takes one token, waiting for it if needed (a reservation: later callers wait behind earlier ones). */
    public void acquire() {
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * qps);
            lastNanos = now;
            tokens -= 1;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
        }
        long deadline = System.nanoTime() + waitNanos;
        for (long left = waitNanos; left > 0; left = deadline - System.nanoTime()) LockSupport.parkNanos(left);
    }
}
