package dev.beluga.cli.args;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a command accepts: long options ({@code --name VALUE}, {@code --name=VALUE}, or a flag {@code --name}) and
 * positional parameters, each bound to a setter of the command. Defaults are the command's field initialisers (an
 * option that is absent binds nothing), so a description states its default itself. An option given twice binds
 * twice: a single-valued field keeps the last value, a list adds each (that is how repeatable options are made).
 *
 * <p>Filled by {@link CliCommand#declare} and then read by {@link CliRunner}; one thread, one command line.
 */
public final class Arguments {
    private final List<OptionSpec> options = new ArrayList<>();
    private final List<ParameterSpec> parameters = new ArrayList<>();

    /** A flag: no value; {@code set} runs when it is given. */
    public OptionSpec flag(String name, String description, Runnable set) {
        return add(new OptionSpec(name, null, description, value -> set.run()));
    }

    /** An option with a text value. */
    public OptionSpec option(String name, String label, String description, Consumer<String> bind) {
        return add(new OptionSpec(name, label, description, bind));
    }

    /**
     * An option whose value is converted first ({@code Integer::parseInt}, {@code Path::of}, {@code Duration::parse},
     * ...); a conversion that throws makes a usage error naming the option and the value.
     */
    public <T> OptionSpec option(String name, String label, String description, Function<String, ? extends T> convert,
                                 Consumer<? super T> bind) {
        return add(new OptionSpec(name, label, description, value -> bind.accept(convert.apply(value))));
    }

    /** The next positional parameter, required, as text. */
    public void parameter(String label, String description, Consumer<String> bind) {
        parameter(label, description, Function.identity(), bind);
    }

    /** The next positional parameter, required. */
    public <T> void parameter(String label, String description, Function<String, ? extends T> convert, Consumer<? super T> bind) {
        requireNoVariadic();
        parameters.add(new ParameterSpec(label, description, false, value -> bind.accept(convert.apply(value))));
    }

    /** The remaining positional parameters, at least one; declared last. */
    public <T> void parameters(String label, String description, Function<String, ? extends T> convert, Consumer<? super T> add) {
        requireNoVariadic();
        parameters.add(new ParameterSpec(label, description, true, value -> add.accept(convert.apply(value))));
    }

    /** A converter for an enum's constants by name, case-insensitively. */
    public static <E extends Enum<E>> Function<String, E> enumValue(Class<E> type) {
        return value -> {
            for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(value)) return e;
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
            throw new IllegalArgumentException("expected one of " + String.join(", ", names));
        };
    }

    private OptionSpec add(OptionSpec spec) {
        if (!spec.name.startsWith("--") || spec.name.length() < 4) {
            throw new IllegalArgumentException("option names are long: --name, not " + spec.name);
        }
        for (OptionSpec o : options) if (o.name.equals(spec.name)) throw new IllegalArgumentException("declared twice: " + spec.name);
        options.add(spec);
        return spec;
    }

    private void requireNoVariadic() {
        if (!parameters.isEmpty() && parameters.getLast().variadic()) {
            throw new IllegalStateException("no parameter can follow " + parameters.getLast().label() + "...");
        }
    }

    List<OptionSpec> options() {
        return Collections.unmodifiableList(options);
    }

    List<ParameterSpec> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /** A declared option. {@code label} is null for a flag. */
    public static final class OptionSpec {
        final String name;
        final String label;
        final String description;
        final Consumer<String> bind;
        boolean required;

        private OptionSpec(String name, String label, String description, Consumer<String> bind) {
            this.name = name;
            this.label = label;
            this.description = description;
            this.bind = bind;
        }

        /** The command line must give this option. */
        public OptionSpec required() {
            required = true;
            return this;
        }

        /** How help and errors show it: {@code --name=LABEL}, or {@code --name} for a flag. */
        String synopsis() {
            return label == null ? name : name + "=" + label;
        }
    }

    /** A declared positional parameter; a variadic one takes all that remain. */
    record ParameterSpec(String label, String description, boolean variadic, Consumer<String> bind) {
    }
}
