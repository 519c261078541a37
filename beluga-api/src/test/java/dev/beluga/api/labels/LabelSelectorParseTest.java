package dev.beluga.api.labels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LabelSelectorParseTest {
    private static final String NAME_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private static final String VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, "
        + "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
        + "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    static Stream<Arguments> canonicalForms() {
        return Stream.of(
            arguments("x=a,y=b,z=c", "x=a,y=b,z=c"),
            arguments("z=c,x=a,y=b", "x=a,y=b,z=c"),
            arguments("x!=a,y=b", "x!=a,y=b"),
            arguments("x==a", "x==a"),
            arguments("x=", "x="),
            arguments("x= ,z= ", "x=,z="),
            arguments("!x", "!x"),
            arguments("x>1,z<5", "x>1,z<5"),
            arguments("tier in (b,a),app=web,!x", "app=web,tier in (a,b),!x"),
            arguments("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
            arguments("  app = web ,\tenv in ( prod , dev ) ", "app=web,env in (dev,prod)"),
            arguments("notin=in", "notin=in"),
            arguments("example.com/app in (in,notin)", "example.com/app in (in,notin)"),
            arguments("", ""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("canonicalForms")
    void printsTheCanonicalFormSortedByKey(String selector, String canonical) {
        assertThat(LabelSelector.parse(selector).toString()).isEqualTo(canonical);
    }

    @Test
    void parsesOperatorsAndValuesIntoRequirements() {
        assertThat(LabelSelector.parse("b notin (y,x),a==1,!c,d,e<7").requirements()).containsExactly(
            new Requirement("a", Operator.DOUBLE_EQUALS, Set.of("1")),
            new Requirement("b", Operator.NOT_IN, Set.of("x", "y")),
            new Requirement("c", Operator.DOES_NOT_EXIST, Set.of()),
            new Requirement("d", Operator.EXISTS, Set.of()),
            new Requirement("e", Operator.LESS_THAN, Set.of("7")));
    }

    @Test
    void emptyOrBlankSelectsEverything() {
        assertThat(LabelSelector.parse("").isEmpty()).isTrue();
        assertThat(LabelSelector.parse("  ").isEmpty()).isTrue();
        assertThat(LabelSelector.parse(null).isEmpty()).isTrue();
        assertThat(LabelSelector.parse("a").isEmpty()).isFalse();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            arguments("x==a==b", "found '==', expected: ',' or 'end of string'"),
            arguments("!x=a", "found '=', expected: ',' or 'end of string'"),
            arguments("=web", "found '=', expected: !, identifier, or 'end of string'"),
            arguments("app,", "found '', expected: identifier after ','"),
            arguments("a,,b", "found ',', expected: identifier after ','"),
            arguments("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
            arguments("app in web", "unable to parse requirement: found 'web' expected: '('"),
            arguments("app notin", "unable to parse requirement: found '' expected: '('"),
            arguments("app in (web", "unable to parse requirement: found '', expected: ',' or ')'"),
            arguments("app in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
            arguments("app in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
            arguments("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
            arguments("!!a", "unable to parse requirement: found '!', expected: identifier"),
            arguments("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, "
                + "the value must be an integer"),
            arguments("-app=x", "unable to parse requirement: <nil>: Invalid value: \"-app\": " + NAME_RULE),
            arguments("app=-bad-", "unable to parse requirement: values[0][app]: Invalid value: \"-bad-\": " + VALUE_RULE),
            arguments("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + VALUE_RULE),
            arguments("a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist"
                + " of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
                + "[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedSelectorsWithUpstreamsMessage(String selector, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOf(InvalidSelectorException.class).hasMessage(message);
    }

    @Test
    void validatesKeyPrefixAndLengths() {
        assertThatThrownBy(() -> LabelSelector.parse("Example.com/app=x")).isInstanceOf(InvalidSelectorException.class)
            .hasMessageStartingWith("unable to parse requirement: <nil>: Invalid value: \"Example.com/app\": prefix part "
                + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters");
        assertThatThrownBy(() -> LabelSelector.parse("/app")).hasMessageContaining("prefix part must be non-empty");
        assertThatThrownBy(() -> LabelSelector.parse("a" + "b".repeat(63))).hasMessageContaining("name part must be no more than 63 bytes");
        assertThatThrownBy(() -> LabelSelector.parse("a=" + "v".repeat(63) + "-")).hasMessageContaining("must be no more than 63 bytes; ");
        assertThat(LabelSelector.parse("a" + "b".repeat(62) + "=" + "v".repeat(63)).requirements()).hasSize(1);
        assertThat(LabelSelector.parse("x.example.com/a_b.c-d=V_1.2-3").requirements()).hasSize(1);
    }

    @Test
    void keyAndValueSyntaxListsEveryProblem() {
        assertThat(LabelSyntax.keyErrors("app")).isEmpty();
        assertThat(LabelSyntax.keyErrors("kubernetes.io/app")).isEmpty();
        assertThat(LabelSyntax.keyErrors("")).containsExactly("name part must be non-empty", NAME_RULE);
        assertThat(LabelSyntax.keyErrors("BAD_/x_")).hasSize(2);
        assertThat(LabelSyntax.valueErrors("")).isEmpty();
        assertThat(LabelSyntax.valueErrors("a b")).containsExactly(VALUE_RULE);
    }

    @Test
    void requirementValidationReportsAllProblemsTogether() {
        assertThatThrownBy(() -> Requirement.validated("-k", Operator.IN, List.of()))
            .isInstanceOf(InvalidSelectorException.class)
            .hasMessage("[key: Invalid value: \"-k\": " + NAME_RULE + ", values: Invalid value: null: for 'in', 'notin' "
                + "operators, values set can't be empty]");
        assertThatThrownBy(() -> Requirement.validated("k", Operator.EXISTS, List.of("a")))
            .hasMessage("values: Invalid value: [\"a\"]: values set must be empty for exists and does not exist");
        assertThatThrownBy(() -> Requirement.validated("k", Operator.EQUALS, List.of("a", "b")))
            .hasMessage("values: Invalid value: [\"a\",\"b\"]: exact-match compatibility requires one single value");
    }
}
