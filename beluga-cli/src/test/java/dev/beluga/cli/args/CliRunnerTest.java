package dev.beluga.cli.args;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliRunnerTest {
    /** A command with one of each kind of declaration; records what it was called with. */
    static final class Sample implements CliCommand {
        Path dir;
        int port = 6443;
        boolean quiet;
        final List<String> tags = new ArrayList<>();
        Level level = Level.INFO;
        final List<String> files = new ArrayList<>();
        String mode;

        enum Level { INFO, DEBUG }

        @Override
        public void declare(Arguments a) {
            a.option("--dir", "DIR", "Where (default: here).", Path::of, v -> dir = v);
            a.option("--port", "PORT", "Port (default: 6443).", Integer::parseInt, v -> port = v);
            a.flag("--quiet", "Say less.", () -> quiet = true);
            a.option("--tag", "TAG", "A tag (repeatable).", tags::add);
            a.option("--level", "LEVEL", "info or debug.", Arguments.enumValue(Level.class), v -> level = v);
            a.option("--mode", "MODE", "Required mode.", v -> mode = v).required();
            a.parameters("FILE", "Files.", v -> v, files::add);
        }

        @Override
        public Integer call() {
            return files.size();
        }
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(List<CommandInfo> commands, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CliRunner("prog", "A program.", commands, () -> List.of("prog 1.0"), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bindsEveryKindOfDeclarationAndKeepsDefaults() throws Exception {
        Sample s = new Sample();
        CliRunner.bind(s, "--dir=/d", "--quiet", "--tag", "a", "a.txt", "--tag=b", "--level", "Debug", "--mode", "x", "b.txt", "--",
            "--not-an-option");
        assertThat(s.dir).isEqualTo(Path.of("/d"));
        assertThat(s.port).isEqualTo(6443);
        assertThat(s.quiet).isTrue();
        assertThat(s.tags).containsExactly("a", "b");
        assertThat(s.level).isEqualTo(Sample.Level.DEBUG);
        assertThat(s.mode).isEqualTo("x");
        assertThat(s.files).containsExactly("a.txt", "b.txt", "--not-an-option");
    }

    @Test
    void valuesAreTakenAsTheyAreAndFlagsMayBeSpelledOut() throws Exception {
        Sample s = new Sample();
        CliRunner.bind(s, "--mode", "-starts-with-a-dash", "--tag", "\"quoted\"", "--tag=", "--quiet=TRUE", "-5");
        assertThat(s.mode).isEqualTo("-starts-with-a-dash");
        assertThat(s.tags).containsExactly("\"quoted\"", "");
        assertThat(s.quiet).isTrue();
        assertThat(s.files).containsExactly("-5");
        Sample off = new Sample();
        CliRunner.bind(off, "--quiet=false", "--mode", "m", "f");
        assertThat(off.quiet).isFalse();
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--quiet=maybe", "--mode", "m", "f"))
            .hasMessage("Invalid value for option '--quiet': 'maybe' (true or false)");
    }

    @Test
    void singleDashSpellingsOfLongOptionsAreUnknown() {
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "-mode", "m", "f")).hasMessage("Unknown option: '-mode'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "-port6443", "f")).hasMessage("Unknown option: '-port6443'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "-h2", "f")).hasMessage("Unknown option: '-h2'");
    }

    @Test
    void aRepeatedSingleValuedOptionKeepsTheLastValue() throws Exception {
        Sample s = new Sample();
        CliRunner.bind(s, "--port", "1", "--port", "2", "--mode", "m", "f");
        assertThat(s.port).isEqualTo(2);
    }

    @Test
    void badCommandLinesAreUsageErrorsNamingWhatIsWrong() {
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "--po", "1", "f"))
            .isInstanceOf(UsageException.class).hasMessage("Unknown option: '--po'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "--port", "x", "f"))
            .hasMessageStartingWith("Invalid value for option '--port': 'x'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "--level", "loud", "f"))
            .hasMessage("Invalid value for option '--level': 'loud' (expected one of info, debug)");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m", "--port"))
            .hasMessage("Missing value for option '--port'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "f")).hasMessage("Missing required option: '--mode=MODE'");
        assertThatThrownBy(() -> CliRunner.bind(new Sample(), "--mode", "m")).hasMessage("Missing required parameter: 'FILE'");
    }

    @Test
    void onlyTheCommandThatRunsIsCreated() {
        AtomicReference<String> made = new AtomicReference<>("");
        List<CommandInfo> commands = List.of(
            CommandInfo.command("one", "First.", () -> {
                made.set(made.get() + "one");
                return new Sample();
            }),
            CommandInfo.command("two", "Second.", () -> {
                made.set(made.get() + "two");
                return new Sample();
            }));
        Run r = run(commands, "two", "--mode", "m", "f1", "f2");
        assertThat(r.code()).isEqualTo(2); // the command's own exit code: two files
        assertThat(made.get()).isEqualTo("two");
    }

    @Test
    void helpVersionGroupsAndHiddenCommands() {
        List<CommandInfo> commands = List.of(
            CommandInfo.command("run", "Run it.", Sample::new),
            CommandInfo.group("tools", "Tools.", CommandInfo.command("sample", "A sample.", Sample::new)),
            CommandInfo.command("secret", "Hidden.", Sample::new).hide());
        Run top = run(commands, "--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).startsWith("Usage: prog [OPTIONS] COMMAND\nA program.\n").contains("  run ", "Run it.", "  tools ", "-V, --version")
            .doesNotContain("secret");
        assertThat(run(commands).out()).isEqualTo(top.out());
        assertThat(run(commands, "-V").out()).isEqualTo("prog 1.0\n");
        Run sub = run(commands, "tools", "sample", "--mode", "m", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).startsWith("Usage: prog tools sample [OPTIONS] FILE...\n")
            .contains("      --dir=DIR", "Where (default: here).", "      --quiet", "Required. Required mode.", "  -h, --help");
        assertThat(run(commands, "help", "tools", "sample").out()).isEqualTo(sub.out());
        assertThat(run(commands, "tools").out()).startsWith("Usage: prog tools [OPTIONS] COMMAND").contains("sample");
        assertThat(run(commands, "secret", "--mode", "m", "f").code()).isEqualTo(1);
        Run typo = run(commands, "rn");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).startsWith("Unknown command: 'rn'. Did you mean: run?\nUsage: prog [OPTIONS] COMMAND");
    }

    @Test
    void anExceptionFromTheCommandExitsWithOneAndItsTrace() {
        List<CommandInfo> commands = List.of(CommandInfo.command("fail", "Fails.", () -> () -> {
            throw new IllegalStateException("broken");
        }));
        Run r = run(commands, "fail");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("IllegalStateException: broken");
    }

    @Test
    void longDescriptionsWrapUnderTheirColumn() {
        String words = "word ".repeat(60).trim();
        List<CommandInfo> commands = List.of(CommandInfo.command("c", words, () -> new CliCommand() {
            @Override
            public void declare(Arguments a) {
                a.option("--xx", "X", words, v -> { });
            }

            @Override
            public Integer call() {
                return 0;
            }
        }));
        String help = run(commands, "c", "--help").out();
        for (String line : help.split("\n")) assertThat(line.length()).as(line).isLessThanOrEqualTo(HelpText.WIDTH);
        assertThat(help).contains("\n      --xx=X  word word", "word\n" + " ".repeat(14) + "word");
    }

    @Test
    void suggestionsArePrefixesOrAFewEditsAway() {
        assertThat(Suggestions.close("sever", "server")).isTrue();
        assertThat(Suggestions.close("contr", "controller-manager")).isTrue();
        assertThat(Suggestions.close("bench", "server")).isFalse();
        assertThat(Suggestions.close("ls", "up")).isFalse();
        assertThat(Suggestions.close("uo", "up")).isTrue();
        assertThat(Suggestions.editDistance("kitten", "sitting")).isEqualTo(3);
    }
}
