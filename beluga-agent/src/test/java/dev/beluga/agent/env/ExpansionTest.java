package dev.beluga.agent.env;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code $(VAR)} expansion against upstream's documented rules (escapes, undefined and malformed references). */
class ExpansionTest {
    private static final Map<String, String> VARS = Map.of("HOST", "db", "PORT", "5432", "EMPTY", "", "REF", "$(HOST)", "UNI", "ä€");

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "$(HOST)|db",
        "$(HOST):$(PORT)|db:5432",
        "jdbc://$(HOST):$(PORT)/x|jdbc://db:5432/x",
        "$(HOST)$(HOST)|dbdb",
        "a$(EMPTY)b|ab",
        "$(MISSING)|$(MISSING)",
        "x-$(MISSING)-$(HOST)|x-$(MISSING)-db",
        "$$(HOST)|$(HOST)",
        "$$$(HOST)|$db",
        "$$$$(HOST)|$$(HOST)",
        "$$|$",
        "$$$|$$",
        "cost: $$5|cost: $5",
        "$HOST|$HOST",
        "${HOST}|${HOST}",
        "$?-$!|$?-$!",
        "end$|end$",
        "$|$",
        "$(HOST|$(HOST",
        "$(|$(",
        "$(HOST)-$(|db-$(",
        "$($($(|$($($(",
        "$()|$()",
        "$(A$(HOST))|$(A$(HOST))",
        "$(REF)|$(HOST)",
        "back\\$(HOST)|back\\db",
        "$(UNI)|ä€",
        "$€|$€",
        "$\uD83D\uDE00x|$\uD83D\uDE00x",
        "no refs at all|no refs at all",
        "(HOST)|(HOST)",
        "$(HOST )|$(HOST )",
    })
    void expands(String input, String expected) {
        assertThat(Expansion.expand(input, VARS)).isEqualTo(expected);
    }

    @Test
    void emptyInputStaysEmpty() {
        assertThat(Expansion.expand("", VARS)).isEmpty();
    }

    @Test
    void earlierContextWins() {
        assertThat(Expansion.expand("$(A)-$(B)", Map.of("A", "first"), Map.of("A", "second", "B", "b"))).isEqualTo("first-b");
    }

    @Test
    void commandAndArgsUseTheFinalEnvironment() {
        List<EnvVariable> env = List.of(new EnvVariable("GREETING", "hello"), new EnvVariable("NAME", "world"));
        assertThat(Expansion.expandAll(List.of("echo", "$(GREETING) $(NAME)", "$$(NAME)", "$(UNSET)"), env))
            .containsExactly("echo", "hello world", "$(NAME)", "$(UNSET)");
        assertThat(Expansion.expandAll(null, env)).isEmpty();
    }
}
