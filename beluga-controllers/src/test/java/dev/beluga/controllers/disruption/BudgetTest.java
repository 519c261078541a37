package dev.beluga.controllers.disruption;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpecBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budget arithmetic: percentages round up, maxUnavailable never demands fewer than 0, nothing expected allows nothing. */
class BudgetTest {
    private static PodDisruptionBudgetSpec min(IntOrString v) {
        return new PodDisruptionBudgetSpecBuilder().withMinAvailable(v).build();
    }

    private static PodDisruptionBudgetSpec max(IntOrString v) {
        return new PodDisruptionBudgetSpecBuilder().withMaxUnavailable(v).build();
    }

    @Test
    void desiredHealthy() {
        assertThat(Budget.needsControllerScale(min(new IntOrString(2)))).isFalse();
        assertThat(Budget.needsControllerScale(min(new IntOrString("50%")))).isTrue();
        assertThat(Budget.needsControllerScale(max(new IntOrString(1)))).isTrue();
        assertThat(Budget.desiredHealthy(min(new IntOrString(2)), 5)).isEqualTo(2);
        assertThat(Budget.desiredHealthy(min(new IntOrString("50%")), 5)).isEqualTo(3);
        assertThat(Budget.desiredHealthy(max(new IntOrString(1)), 5)).isEqualTo(4);
        assertThat(Budget.desiredHealthy(max(new IntOrString("30%")), 5)).isEqualTo(3); // 1.5 unavailable rounds up to 2
        assertThat(Budget.desiredHealthy(max(new IntOrString(7)), 5)).isZero();
        assertThat(Budget.desiredHealthy(new PodDisruptionBudgetSpec(), 5)).isZero();
        assertThatThrownBy(() -> Budget.desiredHealthy(min(new IntOrString("two")), 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void disruptionsAllowed() {
        assertThat(Budget.disruptionsAllowed(3, 2, 3)).isEqualTo(1);
        assertThat(Budget.disruptionsAllowed(1, 2, 3)).isZero();
        assertThat(Budget.disruptionsAllowed(2, 0, 0)).isZero();
    }
}
