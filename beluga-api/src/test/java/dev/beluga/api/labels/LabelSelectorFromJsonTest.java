package dev.beluga.api.labels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static dev.beluga.api.TestJson.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LabelSelectorFromJsonTest {
    @Test
    void nullSelectsNothingAndEmptySelectsEverything() {
        LabelSelector nil = LabelSelector.fromJson(null);
        assertThat(nil.matchesNothing()).isTrue();
        assertThat(nil.isEmpty()).isFalse();
        assertThat(nil.matches(Map.of())).isFalse();
        assertThat(LabelSelector.fromJson(j("null")).matchesNothing()).isTrue();
        assertThat(LabelSelector.fromJson(j("{}").path("selector")).matchesNothing()).as("missing node").isTrue();

        for (String empty : new String[]{"{}", "{'matchLabels':{}}", "{'matchLabels':{},'matchExpressions':[]}"}) {
            LabelSelector s = LabelSelector.fromJson(j(empty));
            assertThat(s.isEmpty()).as(empty).isTrue();
            assertThat(s.matches(Map.of("a", "b"))).as(empty).isTrue();
        }
    }

    static Stream<Arguments> selectors() {
        return Stream.of(
            arguments("{'matchLabels':{'b':'1','a':'2'}}", "a=2,b=1"),
            arguments("{'matchExpressions':[{'key':'env','operator':'In','values':['prod','dev']}]}", "env in (dev,prod)"),
            arguments("{'matchExpressions':[{'key':'env','operator':'NotIn','values':['test']}]}", "env notin (test)"),
            arguments("{'matchExpressions':[{'key':'gpu','operator':'Exists'}]}", "gpu"),
            arguments("{'matchExpressions':[{'key':'gpu','operator':'DoesNotExist','values':[]}]}", "!gpu"),
            arguments("{'matchLabels':{'z':'1'},'matchExpressions':[{'key':'a','operator':'In','values':['x']}]}", "a in (x),z=1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("selectors")
    void convertsMatchLabelsAndExpressions(String json, String canonical) {
        assertThat(LabelSelector.fromJson(j(json)).toString()).isEqualTo(canonical);
    }

    @Test
    void structuredSelectorMatches() {
        LabelSelector s = LabelSelector.fromJson(j("{'matchLabels':{'app':'web'},'matchExpressions':["
            + "{'key':'env','operator':'In','values':['prod','dev']},{'key':'canary','operator':'DoesNotExist'}]}"));
        assertThat(s.matches(Map.of("app", "web", "env", "dev"))).isTrue();
        assertThat(s.matches(Map.of("app", "web", "env", "test"))).isFalse();
        assertThat(s.matches(Map.of("app", "web", "env", "dev", "canary", "1"))).isFalse();
        assertThat(s.matches(j("{'app':'web','env':'prod'}"))).isTrue();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
            arguments("{'matchExpressions':[{'key':'a','operator':'Near'}]}", "\"Near\" is not a valid label selector operator"),
            arguments("{'matchExpressions':[{'key':'a','operator':'Gt','values':['1']}]}", "\"Gt\" is not a valid label selector operator"),
            arguments("{'matchExpressions':[{'key':'a','operator':'In'}]}",
                "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
            arguments("{'matchExpressions':[{'key':'a','operator':'Exists','values':['x']}]}",
                "values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist"),
            arguments("{'matchLabels':{'app':'-x'}}", "values[0][app]: Invalid value: \"-x\": a valid label must be an empty string"),
            arguments("{'matchLabels':{'a b':'x'}}", "key: Invalid value: \"a b\": name part must consist of"),
            arguments("{'matchLabels':['a']}", "matchLabels must be an object of strings"),
            arguments("'app=web'", "a label selector must be a JSON object"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void refusesInvalidStructuredSelectors(String json, String message) {
        assertThatThrownBy(() -> LabelSelector.fromJson(j(json))).isInstanceOf(InvalidSelectorException.class)
            .hasMessageStartingWith(message);
    }
}
