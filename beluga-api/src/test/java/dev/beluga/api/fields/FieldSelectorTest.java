package dev.beluga.api.fields;

import dev.beluga.api.labels.InvalidSelectorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FieldSelectorTest {
    private static final Map<String, String> POD = Map.of("metadata.name", "web-1", "spec.nodeName", "n1",
        "status.phase", "Running", "metadata.namespace", "a,b=c\\d");

    static Stream<Arguments> parsed() {
        return Stream.of(
            arguments("spec.nodeName=n1", List.of(new FieldRequirement("spec.nodeName", FieldOperator.EQUALS, "n1"))),
            arguments("spec.nodeName==n1", List.of(new FieldRequirement("spec.nodeName", FieldOperator.EQUALS, "n1"))),
            arguments("status.phase!=Failed,spec.nodeName=n1", List.of(
                new FieldRequirement("spec.nodeName", FieldOperator.EQUALS, "n1"),
                new FieldRequirement("status.phase", FieldOperator.NOT_EQUALS, "Failed"))),
            arguments("a=x\\,y\\=z\\\\w", List.of(new FieldRequirement("a", FieldOperator.EQUALS, "x,y=z\\w"))),
            arguments("a=", List.of(new FieldRequirement("a", FieldOperator.EQUALS, ""))),
            arguments("a=b,,c=d,", List.of(new FieldRequirement("a", FieldOperator.EQUALS, "b"),
                new FieldRequirement("c", FieldOperator.EQUALS, "d"))),
            arguments("a = b", List.of(new FieldRequirement("a ", FieldOperator.EQUALS, " b"))),
            arguments("a=!b", List.of(new FieldRequirement("a", FieldOperator.EQUALS, "!b"))),
            arguments("=x", List.of(new FieldRequirement("", FieldOperator.EQUALS, "x"))),
            arguments("=", List.of()),
            arguments("", List.of()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("parsed")
    void parsesAsUpstream(String selector, List<FieldRequirement> expected) {
        assertThat(FieldSelector.parse(selector).requirements()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "spec.nodeName==n1|spec.nodeName=n1",
        "b=2,a!=1|a!=1,b=2",
        "a=x\\,y|a=x\\,y",
        "a=|a="})
    void printsTheStringFormWithEscapedValues(String selector, String printed) {
        assertThat(FieldSelector.parse(selector).toString()).isEqualTo(printed);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            arguments("spec.nodeName", "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'"),
            arguments("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
            arguments("a=b=c", "invalid field selector: unescaped character in value: 61"),
            arguments("a==b,c", "invalid selector: 'a==b,c'; can't understand 'c'"),
            arguments("a=b\\q", "invalid field selector: invalid escape sequence: \\q"),
            arguments("a=b\\", "invalid field selector: invalid escape sequence: \\"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedSelectorsWithUpstreamsMessage(String selector, String message) {
        assertThatThrownBy(() -> FieldSelector.parse(selector)).isInstanceOf(InvalidSelectorException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "spec.nodeName=n1|true", "spec.nodeName=n2|false", "spec.nodeName!=n2|true", "spec.nodeName!=n1|false",
        "spec.nodeName=n1,status.phase!=Failed|true", "spec.nodeName=n1,status.phase=Failed|false",
        "metadata.namespace=a\\,b\\=c\\\\d|true",
        "spec.missing=|true", "spec.missing!=|false", "spec.missing=x|false", "spec.missing!=x|true",
        "''|true"})
    void matchesObjectsByFieldValue(String selector, boolean expected) {
        FieldSelector s = FieldSelector.parse(selector.equals("''") ? "" : selector);
        assertThat(s.matches(POD::get)).isEqualTo(expected);
        assertThat(s.matches(POD)).isEqualTo(expected);
    }

    @Test
    void exactValueIsWhatAnEqualityRequires() {
        FieldSelector s = FieldSelector.parse("spec.nodeName=n1,status.phase!=Running,metadata.name==a\\,b");
        assertThat(s.exactValue("spec.nodeName")).isEqualTo("n1");
        assertThat(s.exactValue("metadata.name")).isEqualTo("a,b");
        assertThat(s.exactValue("status.phase")).as("inequality").isNull();
        assertThat(s.exactValue("spec.other")).isNull();
        assertThat(FieldSelector.parse("").exactValue("spec.nodeName")).isNull();
    }

    @Test
    void emptyAndEquality() {
        assertThat(FieldSelector.parse("").isEmpty()).isTrue();
        assertThat(FieldSelector.parse(null)).isSameAs(FieldSelector.EVERYTHING);
        assertThat(FieldSelector.parse("a=1").isEmpty()).isFalse();
        assertThat(FieldSelector.parse("b=2,a=1")).isEqualTo(FieldSelector.parse("a==1,b=2"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {"plain|plain", "a,b|a\\,b", "k=v|k\\=v", "back\\slash|back\\\\slash", "''|''"})
    void escapesValuesRoundTrip(String raw, String escaped) {
        String r = raw.equals("''") ? "" : raw;
        String e = escaped.equals("''") ? "" : escaped;
        assertThat(FieldValues.escape(r)).isEqualTo(e);
        assertThat(FieldValues.unescape(e)).isEqualTo(r);
    }
}
