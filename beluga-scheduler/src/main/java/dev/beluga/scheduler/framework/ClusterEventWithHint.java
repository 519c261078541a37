package dev.beluga.scheduler.framework;

/** A registered event with an optional hint function (null means always {@link QueueingHint#QUEUE}). */
public record ClusterEventWithHint(ClusterEvent event, QueueingHintFunction hint) {
    public static ClusterEventWithHint of(ClusterEvent event) {
        return new ClusterEventWithHint(event, null);
    }

    public static ClusterEventWithHint of(EventResource resource, int actions) {
        return new ClusterEventWithHint(new ClusterEvent(resource, actions), null);
    }

    public static ClusterEventWithHint of(EventResource resource, int actions, QueueingHintFunction hint) {
        return new ClusterEventWithHint(new ClusterEvent(resource, actions), hint);
    }
}
