package dev.beluga.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rolling-update arithmetic against upstream's rounding and limits. */
class RolloutMathTest {
    private static IntOrString v(String s) {
        return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
    }

    @ParameterizedTest(name = "surge {0} unavailable {1} of {2} -> {3}/{4}")
    @CsvSource({
        "25%, 25%, 10, 3, 2",   // surge rounds up, unavailable down
        "25%, 25%, 1, 1, 0",
        "0, 0, 5, 0, 1",        // both zero would deadlock: unavailable 1
        "1, 0, 3, 1, 0",
        "50%, 10%, 3, 2, 0",
        "100%, 100%, 4, 4, 4",
    })
    void limitsResolveLikeUpstream(String surge, String unavailable, int replicas, int expectSurge, int expectUnavailable) {
        RolloutMath.Limits l = RolloutMath.resolve(v(surge), v(unavailable), replicas);
        assertThat(l.maxSurge()).isEqualTo(expectSurge);
        assertThat(l.maxUnavailable()).isEqualTo(expectUnavailable);
    }

    @Test
    void defaultsAreTwentyFivePercent() {
        assertThat(RolloutMath.resolve(null, null, 8)).isEqualTo(new RolloutMath.Limits(2, 2));
    }

    @ParameterizedTest(name = "desired {0}, new {1}, all {2}, surge {3} -> {4}")
    @CsvSource({
        "3, 0, 3, 1, 1",   // one surge pod
        "3, 1, 4, 1, 1",   // at the surge limit: wait
        "3, 1, 3, 1, 2",
        "3, 3, 6, 1, 3",   // complete
        "10, 0, 10, 3, 3",
        "3, 2, 2, 1, 3",   // never beyond desired
    })
    void newReplicaSetGrowsWithinTheSurge(int desired, int newCurrent, int all, int surge, int expected) {
        assertThat(RolloutMath.newReplicas(desired, newCurrent, all, new RolloutMath.Limits(surge, 0))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "desired {0}, all {1}, new {2} ({3} available), unavailable {4} -> {5}")
    @CsvSource({
        "3, 4, 1, 0, 0, 0",  // the new pod is not available: keep every old one
        "3, 4, 1, 1, 0, 1",  // it is: one old may go
        "3, 3, 0, 0, 1, 1",  // maxUnavailable 1 lets one go before anything new is up
        "10, 13, 3, 0, 2, 2",  // 13 - (10 - 2) - 3 unavailable new ones
    })
    void oldReplicaSetsShrinkWithinTheUnavailableBudget(int desired, int all, int newCurrent, int newAvailable, int unavailable, int expected) {
        assertThat(RolloutMath.maxScaleDown(desired, all, newCurrent, newAvailable, new RolloutMath.Limits(1, unavailable))).isEqualTo(expected);
    }

    @Test
    void proportionalScalingSpreadsByShareAndGivesTheRestToTheLargest() {
        assertThat(RolloutMath.proportional(List.of(6, 4), 5)).containsExactly(9, 6);
        assertThat(RolloutMath.proportional(List.of(6, 4), -5)).containsExactly(3, 2);
        assertThat(RolloutMath.proportional(List.of(3, 3, 3), 1)).containsExactly(4, 3, 3);
        assertThat(RolloutMath.proportional(List.of(1, 1), -5)).containsExactly(0, 0);
    }
}
