package dev.beluga.scheduler.client;

import java.util.Objects;

/**
 * Every output of the scheduler to the API server. {@link #noop()} gives do-nothing implementations (tests, the
 * micro-benchmark); the integration supplies real ones. Immutable.
 */
public record SchedulerClients(Binder binder, EventSink events, PodStatusWriter statusWriter, PodDeleter podDeleter,
                               VolumeBinder volumeBinder) {
    public SchedulerClients {
        Objects.requireNonNull(binder, "binder");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(statusWriter, "statusWriter");
        Objects.requireNonNull(podDeleter, "podDeleter");
        Objects.requireNonNull(volumeBinder, "volumeBinder");
    }

    public static SchedulerClients noop() {
        return new SchedulerClients((p, n) -> { }, (r, rel, t, re, a, no) -> { }, (p, c, n) -> { }, (v, p, n) -> { },
            (c, n) -> { });
    }

    public SchedulerClients withBinder(Binder b) {
        return new SchedulerClients(b, events, statusWriter, podDeleter, volumeBinder);
    }

    public SchedulerClients withEvents(EventSink e) {
        return new SchedulerClients(binder, e, statusWriter, podDeleter, volumeBinder);
    }

    public SchedulerClients withStatusWriter(PodStatusWriter w) {
        return new SchedulerClients(binder, events, w, podDeleter, volumeBinder);
    }

    public SchedulerClients withPodDeleter(PodDeleter d) {
        return new SchedulerClients(binder, events, statusWriter, d, volumeBinder);
    }

    public SchedulerClients withVolumeBinder(VolumeBinder v) {
        return new SchedulerClients(binder, events, statusWriter, podDeleter, v);
    }
}
