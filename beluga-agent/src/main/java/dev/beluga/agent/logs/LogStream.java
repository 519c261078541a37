package dev.beluga.agent.logs;

/**
 * A container output stream, and the {@code stream} selection of PodLogOptions ({@code Stdout}, {@code Stderr},
 * {@code All}).
 */
public enum LogStream {
    STDOUT("Stdout"),
    STDERR("Stderr"),
    /** Both streams, interleaved as written: the default. */
    ALL("All");

    private final String apiName;

    LogStream(String apiName) {
        this.apiName = apiName;
    }

    /** The value in PodLogOptions ({@code Stdout}, {@code Stderr}, {@code All}). */
    public String apiName() {
        return apiName;
    }

    /** The selection named {@code value} in PodLogOptions, or null if there is none of that name. */
    public static LogStream ofApiName(String value) {
        for (LogStream s : values()) if (s.apiName.equals(value)) return s;
        return null;
    }

    /** True when an entry of {@code entryStream} is part of this selection. */
    public boolean includes(LogStream entryStream) {
        return this == ALL || this == entryStream;
    }
}
