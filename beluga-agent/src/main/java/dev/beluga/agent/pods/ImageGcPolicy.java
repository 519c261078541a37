package dev.beluga.agent.pods;

import java.time.Duration;

/**
 * When unused images are removed (upstream's kubelet flags): once the image filesystem is at least
 * {@code highThresholdPercent} full, the least recently used images no container uses and older than
 * {@code minimumAge} are removed until it is at most {@code lowThresholdPercent} full. 100 % disables collection.
 */
public record ImageGcPolicy(int highThresholdPercent, int lowThresholdPercent, Duration minimumAge) {
    /** Upstream's defaults: 85 %, 80 %, 2 minutes. */
    public static final ImageGcPolicy DEFAULT = new ImageGcPolicy(85, 80, Duration.ofMinutes(2));

    public ImageGcPolicy {
        if (highThresholdPercent < 0 || highThresholdPercent > 100)
            throw new IllegalArgumentException("image GC high threshold must be 0-100 %, got " + highThresholdPercent);
        if (lowThresholdPercent < 0 || lowThresholdPercent > highThresholdPercent)
            throw new IllegalArgumentException("image GC low threshold must be 0-" + highThresholdPercent + " %, got " + lowThresholdPercent);
        if (minimumAge.isNegative()) throw new IllegalArgumentException("minimum image GC age must not be negative");
    }

    public boolean disabled() {
        return highThresholdPercent >= 100;
    }
}
