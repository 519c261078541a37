package dev.beluga.agent.pods;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.AuthConfig;
import dev.beluga.cri.v1.Image;
import dev.beluga.cri.v1.PodSandboxConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes a container's image present as its imagePullPolicy says (upstream's kubelet image manager): Never = must be
 * there; IfNotPresent = pull only when missing; Always = pull every time. Failed pulls are retried with backoff
 * (10 s doubling to 5 min): while backing off the container waits with ImagePullBackOff. Thread-safe.
 */
public final class ImageManager {
    /** Why an image could not be made present; {@code reason} is the container's waiting reason. */
    public static final class ImageException extends Exception {
        private final String reason;

        ImageException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** The image ready to run: the reference to create the container with, and whether it was just pulled. */
    public record Ready(String imageRef, boolean pulled, Duration pullTime) {}

    private final CriClient cri;
    private final Backoff backoff;
    private final Clock clock;

    public ImageManager(CriClient cri, Clock clock) {
        this.cri = cri;
        this.clock = clock;
        this.backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    }

    /**
     * Ensures the image is present.
     *
     * @param backoffKey the pod and container, so that one failing container does not slow others
     * @param beforePull called just before a pull starts (for the Pulling event)
     * @throws ImageException with reason ErrImageNeverPull, ErrImagePull or ImagePullBackOff
     */
    public Ready ensure(String image, String pullPolicy, String backoffKey, PodSandboxConfig sandbox, Runnable beforePull)
        throws ImageException {
        String policy = pullPolicy == null ? "IfNotPresent" : pullPolicy;
        Optional<Image> present = policy.equals("Always") ? Optional.empty() : status(image);
        if (present.isPresent()) return new Ready(present.get().getId(), false, Duration.ZERO);
        if (policy.equals("Never")) {
            throw new ImageException("ErrImageNeverPull",
                "Container image \"" + image + "\" is not present with pull policy of Never");
        }
        if (backoff.inBackoffSinceUpdate(backoffKey)) {
            throw new ImageException("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
        }
        beforePull.run();
        long t0 = System.nanoTime();
        try {
            String ref = cri.pullImage(image, AuthConfig.getDefaultInstance(), sandbox);
            backoff.reset(backoffKey);
            return new Ready(ref, true, Duration.ofNanos(System.nanoTime() - t0));
        } catch (CriException e) {
            backoff.next(backoffKey);
            throw new ImageException("ErrImagePull", "failed to pull and unpack image \"" + image + "\": " + e.getMessage());
        }
    }

    private Optional<Image> status(String image) {
        try {
            return cri.imageStatus(image);
        } catch (CriException e) {
            return Optional.empty();
        }
    }
}
