package dev.beluga.agent.env;

import java.util.regex.Pattern;

/**
 * Which {@code envFrom} keys are acceptable variable names; the others are skipped with a warning.
 * <ul>
 *   <li>{@link #RELAXED}: printable ASCII except {@code =} (the API's rule since RelaxedEnvironmentVariableValidation,
 *       GA in Kubernetes 1.34, whose kubelet no longer filters at all; every valid ConfigMap/Secret key passes).</li>
 *   <li>{@link #STRICT}: {@code [-._a-zA-Z][-._a-zA-Z0-9]*}, what kubelets before that filtered with (a key such as
 *       {@code 1badkey} is skipped).</li>
 * </ul>
 */
public enum EnvVarNameRule {
    RELAXED {
        @Override
        public boolean accepts(String name) {
            if (name.isEmpty()) return false;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 32 || c > 126 || c == '=') return false;
            }
            return true;
        }
    },
    STRICT {
        @Override
        public boolean accepts(String name) {
            return STRICT_NAME.matcher(name).matches();
        }
    };

    private static final Pattern STRICT_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    public abstract boolean accepts(String name);
}
