package dev.beluga.scheduler.plugins.defaultpreemption;

import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.util.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Picks the preemption node as upstream's {@code pickOneNodeForPreemption}: the fewest PDB violations, then the
 * lowest highest-victim priority, the smallest sum of victim priorities, the fewest victims, the latest start time of
 * the most important victims; ties go to the first candidate.
 */
final class CandidateSelector {
    private CandidateSelector() {
    }

    /** Higher priority first, then earlier start time (upstream {@code MoreImportantPod}). */
    static final Comparator<PodInfo> MORE_IMPORTANT = (a, b) -> {
        if (a.priority() != b.priority()) return Integer.compare(b.priority(), a.priority());
        return startTime(a).compareTo(startTime(b));
    };

    static Instant startTime(PodInfo p) {
        Instant t = Pods.startTime(p.pod());
        return t == null ? Instant.now() : t;
    }

    static Candidate pick(List<Candidate> candidates) {
        if (candidates.isEmpty()) return null;
        List<ToLongFunction<Candidate>> scores = List.of(
            c -> -c.numPdbViolations(),
            c -> -(long) c.victims().get(0).priority(),
            c -> {
                long sum = 0;
                for (PodInfo p : c.victims()) sum += (long) p.priority() + (long) Integer.MAX_VALUE + 1;
                return -sum;
            },
            c -> -(long) c.victims().size(),
            c -> {
                Instant earliest = earliestStartOfMostImportant(c.victims());
                return earliest.getEpochSecond() * 1_000_000_000L + earliest.getNano();
            });
        List<Candidate> all = new ArrayList<>(candidates);
        for (ToLongFunction<Candidate> f : scores) {
            List<Candidate> selected = new ArrayList<>();
            long max = Long.MIN_VALUE;
            for (Candidate c : all) {
                long s = f.applyAsLong(c);
                if (s > max) {
                    max = s;
                    selected.clear();
                }
                if (s == max) selected.add(c);
            }
            if (selected.size() == 1) return selected.get(0);
            all = selected;
        }
        return all.get(0);
    }

    /** The earliest start time among the highest-priority victims (upstream {@code GetEarliestPodStartTime}). */
    static Instant earliestStartOfMostImportant(List<PodInfo> victims) {
        Instant earliest = startTime(victims.get(0));
        int maxPriority = victims.get(0).priority();
        for (PodInfo p : victims) {
            if (p.priority() == maxPriority) {
                Instant t = startTime(p);
                if (t.isBefore(earliest)) earliest = t;
            } else if (p.priority() > maxPriority) {
                maxPriority = p.priority();
                earliest = startTime(p);
            }
        }
        return earliest;
    }
}
