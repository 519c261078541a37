package dev.beluga.api.fields;

import dev.beluga.api.labels.InvalidSelectorException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {
    private static final Map<String, String> POD = Map.of("metadata.name", "web-1", "spec.nodeName", "n1", "status.phase", "Running",
        "metadata.namespace", "a,b=c");

    @Test
    void equalityAndInequality() {
        assertThat(FieldSelector.parse("spec.nodeName=n1,status.phase!=Failed").matches(POD::get)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName==n2").matches(POD::get)).isFalse();
        assertThat(FieldSelector.parse("spec.nodeName=").matches(f -> null)).as("absent field equals empty").isTrue();
        assertThat(FieldSelector.parse("").matches(POD::get)).isTrue();
    }

    @Test
    void escapedValues() {
        FieldSelector s = FieldSelector.parse("metadata.namespace=a\\,b\\=c");
        assertThat(s.requirements()).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("a,b=c"));
        assertThat(s.matches(POD::get)).isTrue();
        assertThat(s.exactValue("metadata.namespace")).isEqualTo("a,b=c");
        assertThat(s.exactValue("spec.nodeName")).isNull();
    }

    @Test
    void refusesTermsWithoutOperator() {
        assertThatThrownBy(() -> FieldSelector.parse("spec.nodeName")).isInstanceOf(InvalidSelectorException.class);
        assertThatThrownBy(() -> FieldSelector.parse("=x")).isInstanceOf(InvalidSelectorException.class);
    }
}
