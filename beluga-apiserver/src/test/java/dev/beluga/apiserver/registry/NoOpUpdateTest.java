package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The no-op check of updates: equal but for resourceVersion and managedFields. */
class NoOpUpdateTest {
    private static ObjectNode parse(String json) {
        return Json.parseObject(json.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void resourceVersionAndManagedFieldsAreIgnoredAndNothingElse() {
        ObjectNode stored = parse("{'kind':'Pod','metadata':{'name':'p','resourceVersion':'7','managedFields':[{'manager':'a'}],"
            + "'labels':{'a':'1'}},'spec':{'nodeName':'n1'}}");
        assertTrue(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','labels':{'a':'1'}},"
            + "'spec':{'nodeName':'n1'}}"), stored));
        assertTrue(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','resourceVersion':'9',"
            + "'labels':{'a':'1'}},'spec':{'nodeName':'n1'}}"), stored));
        assertFalse(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','labels':{'a':'2'}},"
            + "'spec':{'nodeName':'n1'}}"), stored));
        assertFalse(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','labels':{'a':'1'},'uid':'u'},"
            + "'spec':{'nodeName':'n1'}}"), stored));
        assertFalse(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','labels':{'a':'1'}},"
            + "'spec':{'nodeName':'n2'}}"), stored));
        assertFalse(RegistryStore.equalIgnoringVolatile(parse("{'kind':'Pod','metadata':{'name':'p','labels':{'a':'1'}},"
            + "'spec':{'nodeName':'n1'},'status':{}}"), stored));
    }
}
