package dev.beluga.agent.env;

import com.google.protobuf.ByteString;
import dev.beluga.cri.v1.KeyValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One resolved environment variable of a container: a name and its final value. */
public record EnvVariable(String name, String value) {
    public EnvVariable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** The CRI form ({@code KeyValue.value} is bytes; the value is sent as UTF-8). */
    public KeyValue toKeyValue() {
        return KeyValue.newBuilder().setKey(name).setValue(ByteString.copyFromUtf8(value)).build();
    }

    public static List<KeyValue> toKeyValues(List<EnvVariable> variables) {
        List<KeyValue> out = new ArrayList<>(variables.size());
        for (EnvVariable v : variables) out.add(v.toKeyValue());
        return out;
    }

    /** Name to value in list order; a later duplicate (never produced by {@link EnvResolver}) wins. */
    public static Map<String, String> toMap(List<EnvVariable> variables) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvVariable v : variables) out.put(v.name(), v.value());
        return out;
    }
}
