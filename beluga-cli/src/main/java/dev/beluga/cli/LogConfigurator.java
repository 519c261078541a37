package dev.beluga.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.List;

/**
 * The {@code beluga} program's logging, set up in code (found by logback through {@code META-INF/services}) rather than
 * from a {@code logback.xml}, whose parsing took a tenth of the server's start: one line per event on standard error
 * ({@code HH:mm:ss.SSS LEVEL logger - message}), at the level of {@code BELUGA_LOG_LEVEL} (system property or
 * environment variable; default INFO), with the chatty client libraries at WARN. Passing
 * {@code -Dlogback.configurationFile=FILE} hands the set-up back to logback's own configuration file instead.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";
    static final List<String> QUIET = List.of("io.grpc", "io.netty", "io.vertx", "io.etcd");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level());
        root.addAppender(stderr);
        for (String name : QUIET) context.getLogger(name).setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code BELUGA_LOG_LEVEL}: a system property first, then the environment; INFO when unset or not a level. */
    static Level level() {
        String value = System.getProperty("BELUGA_LOG_LEVEL", System.getenv("BELUGA_LOG_LEVEL"));
        return Level.toLevel(value, Level.INFO);
    }
}
