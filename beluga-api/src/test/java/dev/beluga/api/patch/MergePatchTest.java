package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.beluga.api.TestJson.j;
import static org.assertj.core.api.Assertions.assertThat;

class MergePatchTest {
    /** The examples of RFC 7386 appendix A, plus nested additions. */
    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'a':'b'}|{'a':'c'}|{'a':'c'}",
        "{'a':'b'}|{'b':'c'}|{'a':'b','b':'c'}",
        "{'a':'b'}|{'a':null}|{}",
        "{'a':'b','b':'c'}|{'a':null}|{'b':'c'}",
        "{'a':['b']}|{'a':'c'}|{'a':'c'}",
        "{'a':'c'}|{'a':['b']}|{'a':['b']}",
        "{'a':{'b':'c'}}|{'a':{'b':'d','c':null}}|{'a':{'b':'d'}}",
        "{'a':[{'b':'c'}]}|{'a':[1]}|{'a':[1]}",
        "['a','b']|['c','d']|['c','d']",
        "{'a':'b'}|['c']|['c']",
        "{'a':'foo'}|null|null",
        "{'a':'foo'}|'bar'|'bar'",
        "{'e':null}|{'a':1}|{'e':null,'a':1}",
        "[1,2]|{'a':'b','c':null}|{'a':'b'}",
        "{}|{'a':{'bb':{'ccc':null}}}|{'a':{'bb':{}}}",
        "{'a':{'x':1}}|{'a':{'y':[null,{'z':null}]}}|{'a':{'x':1,'y':[null,{'z':null}]}}"})
    void mergesAsRfc7386(String target, String patch, String expected) {
        assertThat(MergePatch.apply(j(target), j(patch))).isEqualTo(j(expected));
    }

    @Test
    void leavesItsInputsUntouched() {
        JsonNode target = j("{'a':{'b':1},'c':[1]}");
        JsonNode patch = j("{'a':{'d':{'e':1}},'c':null}");
        JsonNode out = MergePatch.apply(target, patch);
        assertThat(out).isEqualTo(j("{'a':{'b':1,'d':{'e':1}}}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) out.at("/a/d")).put("e", 2);
        assertThat(target).isEqualTo(j("{'a':{'b':1},'c':[1]}"));
        assertThat(patch).isEqualTo(j("{'a':{'d':{'e':1}},'c':null}"));
    }
}
