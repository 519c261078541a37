package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.beluga.api.TestJson.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonPatchTest {
    static Stream<Arguments> applied() {
        return Stream.of(
            // the examples of RFC 6902 appendix A
            arguments("add an object member", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}"),
            arguments("add an array element", "{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]",
                "{'foo':['bar','qux','baz']}"),
            arguments("remove an object member", "{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}"),
            arguments("remove an array element", "{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]",
                "{'foo':['bar','baz']}"),
            arguments("replace a value", "{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]",
                "{'baz':'boo','foo':'bar'}"),
            arguments("move a value", "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
                "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
                "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"),
            arguments("move an array element", "{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
                "{'foo':['all','cows','eat','grass']}"),
            arguments("test success", "{'baz':'qux','foo':['a',2,'c']}",
                "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]", "{'baz':'qux','foo':['a',2,'c']}"),
            arguments("add a nested member object", "{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
                "{'foo':'bar','child':{'grandchild':{}}}"),
            arguments("ignore unrecognized members", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
                "{'foo':'bar','baz':'qux'}"),
            arguments("~ escape ordering", "{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}"),
            arguments("add an array value", "{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
                "{'foo':['bar',['abc','def']]}"),
            // beyond the RFC examples
            arguments("escaped member names", "{'a/b':1,'c~d':2}",
                "[{'op':'replace','path':'/a~1b','value':3},{'op':'remove','path':'/c~0d'}]", "{'a/b':3}"),
            arguments("append with -", "{'a':[1]}", "[{'op':'add','path':'/a/-','value':2}]", "{'a':[1,2]}"),
            arguments("insert at the end index", "{'a':[1]}", "[{'op':'add','path':'/a/1','value':2}]", "{'a':[1,2]}"),
            arguments("negative index counts from the end", "{'a':[1,2,3]}",
                "[{'op':'remove','path':'/a/-1'},{'op':'replace','path':'/a/-2','value':9}]", "{'a':[9,2]}"),
            arguments("add replaces an existing member", "{'a':1}", "[{'op':'add','path':'/a','value':{'b':null}}]", "{'a':{'b':null}}"),
            arguments("replace the whole document", "{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]", "{'b':2}"),
            arguments("copy", "{'a':{'x':[1]}}", "[{'op':'copy','from':'/a','path':'/b'},{'op':'add','path':'/b/x/-','value':2}]",
                "{'a':{'x':[1]},'b':{'x':[1,2]}}"),
            arguments("test compares numbers by value and objects by content", "{'n':1,'o':{'a':1,'b':[true,null]}}",
                "[{'op':'test','path':'/n','value':1.0},{'op':'test','path':'/o','value':{'b':[true,null],'a':1e0}}]",
                "{'n':1,'o':{'a':1,'b':[true,null]}}"),
            arguments("operations apply in order", "{}",
                "[{'op':'add','path':'/a','value':[]},{'op':'add','path':'/a/0','value':'x'},{'op':'move','from':'/a/0','path':'/b'}]",
                "{'a':[],'b':'x'}"),
            arguments("empty patch", "{'a':1}", "[]", "{'a':1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applied")
    void appliesOperations(String name, String doc, String patch, String expected) {
        assertThat(JsonPatch.apply(j(doc), j(patch))).isEqualTo(j(expected));
    }

    static Stream<Arguments> failing() {
        return Stream.of(
            arguments("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "testing value \"/baz\" failed"),
            arguments("{'foo':1}", "[{'op':'test','path':'/foo','value':'1'}]", "testing value \"/foo\" failed"),
            arguments("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]",
                "add operation does not apply: doc is missing path: \"/baz/bat\""),
            arguments("{'a':1}", "[{'op':'remove','path':'/b'}]", "remove operation does not apply: doc is missing key: \"/b\""),
            arguments("{'a':1}", "[{'op':'replace','path':'/b','value':2}]", "replace operation does not apply: doc is missing key: \"/b\""),
            arguments("{'a':[1]}", "[{'op':'replace','path':'/a/1','value':2}]", "replace operation does not apply: invalid index \"1\""),
            arguments("{'a':[1]}", "[{'op':'add','path':'/a/3','value':2}]", "add operation does not apply: invalid index \"3\""),
            arguments("{'a':[1]}", "[{'op':'remove','path':'/a/x'}]", "remove operation does not apply: invalid index \"x\""),
            arguments("{'a':1}", "[{'op':'move','from':'/b','path':'/c'}]", "move operation does not apply: doc is missing from path: \"/b\""),
            arguments("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "cannot move \"/a\" into its own child"),
            arguments("{'a':1}", "[{'op':'copy','from':'/x','path':'/c'}]", "copy operation does not apply: doc is missing from path: \"/x\""),
            arguments("{'a':1}", "[{'op':'test','path':'/x','value':1}]", "test operation does not apply: doc is missing path: \"/x\""),
            arguments("{'a':1}", "[{'op':'add','path':'/b'}]", "add operation missing value field"),
            arguments("{'a':1}", "[{'op':'remove'}]", "remove operation missing path field"),
            arguments("{'a':1}", "[{'op':'move','path':'/b'}]", "move operation missing from field"),
            arguments("{'a':1}", "[{'op':'frobnicate','path':'/a'}]", "Unexpected kind: frobnicate"),
            arguments("{'a':1}", "[{'path':'/a'}]", "Unexpected kind: unknown"),
            arguments("{'a':1}", "[{'op':'add','path':'a','value':1}]", "invalid JSON pointer \"a\""),
            arguments("{'a':1}", "[{'op':'remove','path':''}]", "cannot remove the whole document"),
            arguments("{'a':1}", "{'op':'remove','path':'/a'}", "a JSON patch must be a JSON array of operations"),
            arguments("{'a':'s'}", "[{'op':'add','path':'/a/b','value':1}]", "add operation does not apply: doc is missing path: \"/a/b\""));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("failing")
    void failsNamingTheOperationAndPath(String doc, String patch, String message) {
        assertThatThrownBy(() -> JsonPatch.apply(j(doc), j(patch))).isInstanceOf(PatchException.class).hasMessageContaining(message);
    }

    @Test
    void leavesItsInputsUntouchedAndFailsAtomically() {
        JsonNode doc = j("{'a':{'b':[1,2]}}");
        JsonNode patch = j("[{'op':'add','path':'/a/b/-','value':{'c':1}},{'op':'remove','path':'/a/b/0'}]");
        JsonNode out = JsonPatch.apply(doc, patch);
        assertThat(out).isEqualTo(j("{'a':{'b':[2,{'c':1}]}}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) out.at("/a/b/1")).put("c", 2);
        assertThat(doc).isEqualTo(j("{'a':{'b':[1,2]}}"));
        assertThat(patch.at("/0/value")).isEqualTo(j("{'c':1}"));

        JsonNode failing = j("[{'op':'remove','path':'/a'},{'op':'test','path':'/x','value':1}]");
        assertThatThrownBy(() -> JsonPatch.apply(doc, failing)).isInstanceOf(PatchException.class);
        assertThat(doc).as("a failed patch leaves the document as it was").isEqualTo(j("{'a':{'b':[1,2]}}"));
    }
}
