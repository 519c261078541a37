package dev.beluga.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

import java.util.Locale;

/**
 * Answers for names outside the zone: from the {@link ForwardCache}, else from the {@link Forwarder} (and then cached).
 * Threading: any number of threads; a miss blocks while upstreams are asked.
 */
final class UpstreamResolver {
    private final Forwarder forwarder;
    private final ForwardCache cache;

    UpstreamResolver(Forwarder forwarder, ForwardCache cache) {
        this.forwarder = forwarder;
        this.cache = cache;
    }

    /** The answer to {@code question}, or null when every upstream failed. */
    ForwardCache.Hit resolve(Record question, boolean checkingDisabled, boolean dnssecOk) {
        String key = question.getName().toString().toLowerCase(Locale.ROOT) + "/" + question.getType() + "/" + question.getDClass()
            + (dnssecOk ? "/do" : "") + (checkingDisabled ? "/cd" : "");
        ForwardCache.Hit hit = cache.get(key);
        if (hit != null) return hit;
        Message response = forwarder.exchange(question, checkingDisabled, dnssecOk);
        return response == null ? null : cache.put(key, response);
    }
}
