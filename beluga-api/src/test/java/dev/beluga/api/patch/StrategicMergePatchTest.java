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

/** Strategic merge patch semantics on a small made-up schema; see {@link KubernetesStrategicMergePatchTest} for real kinds. */
class StrategicMergePatchTest {
    private static final PatchMeta SCHEMA = PathPatchMeta.builder()
        .merge("items", "name")
        .merge("items.items", "name")
        .merge("items.ports", "port")
        .mergeSet("tags")
        .merge("byNumber", "id")
        .replace("replaced")
        .retainKeys("union")
        .mergeRetainingKeys("unions", "name")
        .mergeSet("objs")
        .build();

    static Stream<Arguments> maps() {
        return Stream.of(
            arguments("adds and merges fields", "{'a':1,'m':{'x':1}}", "{'b':2,'m':{'y':2}}", "{'a':1,'b':2,'m':{'x':1,'y':2}}"),
            arguments("null deletes, also when absent", "{'a':1,'m':{'x':1,'y':2}}", "{'a':null,'m':{'y':null,'z':null},'n':null}",
                "{'m':{'x':1}}"),
            arguments("an added object is stored without nulls and directives", "{}",
                "{'m':{'x':1,'y':null,'$retainKeys':['x'],'items':[{'name':'a','$patch':'delete'},{'name':'b'}],"
                    + "'$setElementOrder/items':[{'name':'b'}],'$deleteFromPrimitiveList/tags':['t']}}",
                "{'m':{'x':1,'items':[{'name':'b'}]}}"),
            arguments("a value of another type replaces", "{'a':{'x':1},'b':[1],'c':'s'}", "{'a':'s','b':{'k':1},'c':[1]}",
                "{'a':'s','b':{'k':1},'c':[1]}"),
            arguments("$patch delete empties an object", "{'m':{'x':1}}", "{'m':{'$patch':'delete'}}", "{'m':{}}"),
            arguments("$patch delete of an absent object adds nothing", "{'a':1}", "{'m':{'$patch':'delete'}}", "{'a':1}"),
            arguments("$patch replace replaces an object", "{'m':{'x':1,'y':{'z':1}}}", "{'m':{'$patch':'replace','y':{'w':2},'n':null}}",
                "{'m':{'y':{'w':2}}}"),
            arguments("$patch replace at the root", "{'a':1,'b':2}", "{'$patch':'replace','c':3}", "{'c':3}"),
            arguments("$patch delete at the root", "{'a':1}", "{'$patch':'delete'}", "{}"),
            arguments("an object declared replace is replaced", "{'replaced':{'x':1,'y':2}}", "{'replaced':{'z':3}}", "{'replaced':{'z':3}}"),
            arguments("$retainKeys clears the fields not listed", "{'union':{'type':'A','a':{'x':1},'keep':1}}",
                "{'union':{'$retainKeys':['type','b'],'type':'B','b':{'y':2}}}", "{'union':{'type':'B','b':{'y':2}}}"),
            arguments("$retainKeys allows nulls for unlisted fields", "{'union':{'type':'A','a':1}}",
                "{'union':{'$retainKeys':['type'],'type':'B','a':null}}", "{'union':{'type':'B'}}"),
            arguments("without $retainKeys a union merges as usual", "{'union':{'type':'A','a':1}}", "{'union':{'type':'B'}}",
                "{'union':{'type':'B','a':1}}"),
            arguments("empty patch", "{'a':1}", "{}", "{'a':1}"),
            arguments("null original", "null", "{'a':{'b':null,'c':1}}", "{'a':{'c':1}}"));
    }

    static Stream<Arguments> lists() {
        return Stream.of(
            arguments("a list without strategy is replaced", "{'plain':[{'name':'a','v':1},{'name':'b'}]}",
                "{'plain':[{'name':'a','v':2,'x':null}]}", "{'plain':[{'name':'a','v':2}]}"),
            arguments("merged by key: the element is merged, the others kept", "{'items':[{'name':'a','v':1},{'name':'b','v':1}]}",
                "{'items':[{'name':'b','v':2}]}", "{'items':[{'name':'a','v':1},{'name':'b','v':2}]}"),
            arguments("a new element comes before the server-only elements", "{'items':[{'name':'a'},{'name':'b'}]}",
                "{'items':[{'name':'c','x':null}]}", "{'items':[{'name':'c'},{'name':'a'},{'name':'b'}]}"),
            arguments("the patch's order wins for the elements it names",
                "{'items':[{'name':'a'},{'name':'b','v':'b'},{'name':'c'}]}", "{'items':[{'name':'c','v':'c'},{'name':'a','v':'a'}]}",
                "{'items':[{'name':'b','v':'b'},{'name':'c','v':'c'},{'name':'a','v':'a'}]}"),
            arguments("nested merged lists", "{'items':[{'name':'a','ports':[{'port':80,'p':'TCP'}],'items':[{'name':'x','v':1}]}]}",
                "{'items':[{'name':'a','ports':[{'port':80,'p':'UDP'},{'port':443}],'items':[{'name':'x','w':2}]}]}",
                "{'items':[{'name':'a','ports':[{'port':80,'p':'UDP'},{'port':443}],'items':[{'name':'x','v':1,'w':2}]}]}"),
            arguments("merge keys compare by value", "{'byNumber':[{'id':1,'v':'a'},{'id':2}]}", "{'byNumber':[{'id':1.0,'v':'b'}]}",
                "{'byNumber':[{'id':1.0,'v':'b'},{'id':2}]}"),
            arguments("$patch delete removes every element with the key",
                "{'items':[{'name':'a'},{'name':'b'},{'name':'a','v':2}]}", "{'items':[{'name':'a','$patch':'delete'}]}",
                "{'items':[{'name':'b'}]}"),
            arguments("$patch delete of a missing element is no error", "{'items':[{'name':'a'}]}",
                "{'items':[{'name':'zz','$patch':'delete'}]}", "{'items':[{'name':'a'}]}"),
            arguments("delete and add", "{'items':[{'name':'a'},{'name':'b'}]}", "{'items':[{'name':'a','$patch':'delete'},{'name':'c'}]}",
                "{'items':[{'name':'c'},{'name':'b'}]}"),
            arguments("an element {$patch: replace} replaces the list", "{'items':[{'name':'a'},{'name':'b'}]}",
                "{'items':[{'name':'c','x':null},{'$patch':'replace'}]}", "{'items':[{'name':'c'}]}"),
            arguments("{$patch: replace} alone empties the list", "{'items':[{'name':'a'}]}", "{'items':[{'$patch':'replace'}]}",
                "{'items':[]}"),
            arguments("an added list drops directive elements", "{}", "{'items':[{'name':'a'},{'name':'b','$patch':'delete'}]}",
                "{'items':[{'name':'a'}]}"),
            arguments("merging empty lists", "{'items':[]}", "{'items':[]}", "{'items':[]}"),
            arguments("primitive set: union without duplicates", "{'tags':['a','b']}", "{'tags':['b','c','c']}", "{'tags':['a','b','c']}"),
            arguments("primitive set: a new value comes first", "{'tags':['a','b']}", "{'tags':['c']}", "{'tags':['c','a','b']}"),
            arguments("primitive set: numbers", "{'tags':[1,2,3]}", "{'tags':[3,1]}", "{'tags':[2,3,1]}"),
            arguments("$deleteFromPrimitiveList removes every equal value", "{'tags':['a','b','c','b']}",
                "{'$deleteFromPrimitiveList/tags':['b','x']}", "{'tags':['a','c']}"),
            arguments("$deleteFromPrimitiveList works without merge strategy", "{'plainTags':[1,2,3]}",
                "{'$deleteFromPrimitiveList/plainTags':[2]}", "{'plainTags':[1,3]}"),
            arguments("$deleteFromPrimitiveList of an absent list adds nothing", "{'a':1}", "{'$deleteFromPrimitiveList/tags':['x']}",
                "{'a':1}"),
            arguments("union and deletion together", "{'tags':['a','b']}", "{'tags':['c'],'$deleteFromPrimitiveList/tags':['a']}",
                "{'tags':['c','b']}"),
            arguments("$setElementOrder reorders primitives", "{'tags':['a','b','c']}", "{'$setElementOrder/tags':['b','c','a']}",
                "{'tags':['b','c','a']}"),
            arguments("$setElementOrder ignores values the list lacks", "{'tags':[1,3]}", "{'$setElementOrder/tags':[3,2,1]}",
                "{'tags':[3,1]}"),
            arguments("$setElementOrder reorders objects", "{'items':[{'name':'a','v':1},{'name':'b'},{'name':'c'}]}",
                "{'$setElementOrder/items':[{'name':'c'},{'name':'a'},{'name':'b'}]}",
                "{'items':[{'name':'c'},{'name':'a','v':1},{'name':'b'}]}"),
            arguments("$setElementOrder keeps server-only elements where they were",
                "{'items':[{'name':'a'},{'name':'x'},{'name':'b'}]}",
                "{'$setElementOrder/items':[{'name':'b'},{'name':'a'},{'name':'c'}],'items':[{'name':'c'}]}",
                "{'items':[{'name':'x'},{'name':'b'},{'name':'a'},{'name':'c'}]}"),
            arguments("$setElementOrder with a deletion and an addition", "{'items':[{'name':'a'},{'name':'b','v':1},{'name':'d','v':2}]}",
                "{'$setElementOrder/items':[{'name':'b'},{'name':'c'}],'items':[{'name':'c'},{'name':'a','$patch':'delete'}]}",
                "{'items':[{'name':'b','v':1},{'name':'d','v':2},{'name':'c'}]}"),
            arguments("$setElementOrder, addition and primitive deletion", "{'tags':[1,2,3]}",
                "{'$setElementOrder/tags':[1,2,4],'$deleteFromPrimitiveList/tags':[3],'tags':[4]}", "{'tags':[1,2,4]}"),
            arguments("$setElementOrder of a list nobody has", "{'a':1}", "{'$setElementOrder/items':[{'name':'x'}]}", "{'a':1}"),
            arguments("$setElementOrder of a new list", "{}",
                "{'$setElementOrder/items':[{'name':'b'},{'name':'a'}],'items':[{'name':'b'},{'name':'a'}]}",
                "{'items':[{'name':'b'},{'name':'a'}]}"),
            arguments("$retainKeys inside a merged element", "{'unions':[{'name':'v','emptyDir':{},'x':1},{'name':'w'}]}",
                "{'unions':[{'name':'v','$retainKeys':['name','hostPath'],'hostPath':{'path':'/p'}}]}",
                "{'unions':[{'name':'v','hostPath':{'path':'/p'}},{'name':'w'}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"maps", "lists"})
    void appliesAsUpstream(String name, String original, String patch, String expected) {
        assertThat(StrategicMergePatch.apply(j(original), j(patch), SCHEMA)).isEqualTo(j(expected));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            arguments("{'items':[{'name':'a'}]}", "{'items':[{'v':1}]}", "does not contain declared merge key: name"),
            arguments("{'items':[{'name':'a'}]}", "{'items':[{'$patch':'delete'}]}", "does not contain declared merge key: name"),
            arguments("{'items':[{'name':'a'}]}", "{'items':[{'$patch':'merge'}]}", "merging lists cannot yet be specified in the patch"),
            arguments("{'items':[{'name':'a'}]}", "{'items':[{'$patch':'frob'}]}", "unknown patch type: frob"),
            arguments("{'m':{}}", "{'m':{'$patch':'frob'}}", "unknown patch type: frob in map"),
            arguments("{'m':{}}", "{'m':{'$patch':'merge'}}", "unknown patch type: merge in map"),
            arguments("{'union':{}}", "{'union':{'$retainKeys':['a'],'b':1}}", "invalid patch format of retainKeys"),
            arguments("{'union':{}}", "{'union':{'$retainKeys':'a'}}", "invalid patch format of retainKeys"),
            arguments("{'items':[{'name':'a'},{'name':'b'}]}",
                "{'$setElementOrder/items':[{'name':'a'},{'name':'b'}],'items':[{'name':'b'},{'name':'a'}]}", "doesn't match"),
            arguments("{'tags':[1,3,2]}", "{'$setElementOrder/tags':[1,2,3],'tags':[3,1]}", "doesn't match"),
            arguments("{'items':[]}", "{'$setElementOrder/items':'x'}", "invalid patch format of setElementOrder list"),
            arguments("{'items':[{'name':'a'}]}", "{'items':['a']}", "list element types are not identical"),
            arguments("{'tags':[['a']]}", "{'tags':[['b']]}", "lists of lists are not supported"),
            arguments("{'objs':[{'a':1}]}", "{'objs':[{'a':2}]}", "cannot merge lists without merge key for objs"),
            arguments("{}", "[]", "a strategic merge patch must be a JSON object"),
            arguments("[]", "{}", "a strategic merge patch applies to a JSON object"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("malformed")
    void refusesMalformedPatches(String original, String patch, String message) {
        assertThatThrownBy(() -> StrategicMergePatch.apply(j(original), j(patch), SCHEMA)).isInstanceOf(PatchException.class)
            .hasMessageContaining(message);
    }

    @Test
    void leavesItsInputsUntouched() {
        JsonNode original = j("{'items':[{'name':'a','v':1}],'tags':['x'],'m':{'k':1}}");
        JsonNode patch = j("{'items':[{'name':'a','v':2},{'name':'b','n':{'z':null}}],'tags':['y'],'m':{'k':null}}");
        JsonNode out = StrategicMergePatch.apply(original, patch, SCHEMA);
        assertThat(out).isEqualTo(j("{'items':[{'name':'a','v':2},{'name':'b','n':{}}],'tags':['y','x'],'m':{}}"));
        assertThat(original).isEqualTo(j("{'items':[{'name':'a','v':1}],'tags':['x'],'m':{'k':1}}"));
        assertThat(patch).isEqualTo(j("{'items':[{'name':'a','v':2},{'name':'b','n':{'z':null}}],'tags':['y'],'m':{'k':null}}"));
    }

    @Test
    void withoutMetadataListsAreReplacedButDirectivesStillApply() {
        JsonNode out = StrategicMergePatch.apply(j("{'items':[{'name':'a'}],'m':{'a':1,'b':2}}"),
            j("{'items':[{'name':'b'}],'m':{'$retainKeys':['a']}}"), null);
        assertThat(out).isEqualTo(j("{'items':[{'name':'b'}],'m':{'a':1}}"));
    }
}
