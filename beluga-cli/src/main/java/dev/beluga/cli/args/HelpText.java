package dev.beluga.cli.args;

import java.util.ArrayList;
import java.util.List;

/**
 * The usage messages: a synopsis line, the description, then the options (or the subcommands) in two columns, the
 * second wrapped at {@link #WIDTH} characters. Options are listed in the order they were declared. Stateless.
 */
final class HelpText {
    static final int WIDTH = 100;
    private static final int MAX_FIRST_COLUMN = 36;

    private HelpText() {
    }

    /** A command that runs: {@code Usage: beluga images import [OPTIONS] FILE...}. */
    static String command(String path, CommandInfo info, Arguments args) {
        StringBuilder synopsis = new StringBuilder("Usage: ").append(path).append(" [OPTIONS]");
        for (Arguments.ParameterSpec p : args.parameters()) synopsis.append(' ').append(p.label()).append(p.variadic() ? "..." : "");
        List<String[]> rows = new ArrayList<>();
        for (Arguments.ParameterSpec p : args.parameters()) rows.add(new String[] {"  " + p.label() + (p.variadic() ? "..." : ""), p.description()});
        int parameterRows = rows.size();
        for (Arguments.OptionSpec o : args.options()) {
            rows.add(new String[] {"      " + o.synopsis(), (o.required ? "Required. " : "") + o.description});
        }
        rows.add(new String[] {"  -h, --help", "Show this help message and exit."});
        StringBuilder b = new StringBuilder().append(synopsis).append('\n');
        description(b, info.description());
        if (parameterRows > 0) {
            b.append("\nParameters:\n");
            table(b, rows.subList(0, parameterRows));
        }
        b.append("\nOptions:\n");
        table(b, rows.subList(parameterRows, rows.size()));
        return b.toString();
    }

    /** A group or the program: its subcommands, hidden ones left out; {@code extra} rows follow the options. */
    static String group(String path, String description, List<CommandInfo> subcommands, List<String[]> extraOptions,
                        List<String[]> extraCommands) {
        StringBuilder b = new StringBuilder("Usage: ").append(path).append(" [OPTIONS] COMMAND\n");
        description(b, description);
        b.append("\nOptions:\n");
        List<String[]> options = new ArrayList<>();
        options.add(new String[] {"  -h, --help", "Show this help message and exit."});
        options.addAll(extraOptions);
        table(b, options);
        b.append("\nCommands:\n");
        List<String[]> commands = new ArrayList<>();
        for (CommandInfo c : subcommands) if (!c.hidden()) commands.add(new String[] {"  " + c.name(), c.description()});
        commands.addAll(extraCommands);
        table(b, commands);
        return b.toString();
    }

    private static void description(StringBuilder b, String description) {
        if (description != null && !description.isEmpty()) wrap(b, description, 0, 0);
    }

    /** Two columns: the first as wide as its widest cell up to a limit (a wider cell puts its text on the next line). */
    private static void table(StringBuilder b, List<String[]> rows) {
        int first = 0;
        for (String[] r : rows) first = Math.max(first, r[0].length());
        first = Math.min(first, MAX_FIRST_COLUMN) + 2;
        for (String[] r : rows) {
            b.append(r[0]);
            int at = r[0].length();
            if (at > first - 2) {
                b.append('\n');
                at = 0;
            }
            wrap(b, r[1], first, first - at);
        }
    }

    /**
     * Appends {@code text} word-wrapped to {@link #WIDTH}, continuation lines indented by {@code indent}; the first line
     * starts after {@code firstPad} spaces. Ends with a newline.
     */
    private static void wrap(StringBuilder b, String text, int indent, int firstPad) {
        b.repeat(' ', firstPad);
        int column = indent;
        boolean lineStart = true;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) continue;
            if (!lineStart && column + 1 + word.length() > WIDTH) {
                b.append('\n').repeat(' ', indent);
                column = indent;
                lineStart = true;
            }
            if (!lineStart) {
                b.append(' ');
                column++;
            }
            b.append(word);
            column += word.length();
            lineStart = false;
        }
        b.append('\n');
    }
}
