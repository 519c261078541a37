package dev.beluga.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogConfiguratorTest {
    @Test
    void logsToStandardErrorAtInfoWithTheClientLibrariesQuiet() {
        LoggerContext context = new LoggerContext();
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(LogConfigurator.level());
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
            assertThat(a.getTarget()).isEqualTo("System.err");
            assertThat(a.isStarted()).isTrue();
        });
        assertThat(context.getLogger("io.netty.buffer").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.beluga.cli").getEffectiveLevel()).isEqualTo(root.getLevel());
    }

    @Test
    void aConfigurationFileTakesOver() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            LogConfigurator configurator = new LogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            if (before == null) System.clearProperty("logback.configurationFile");
            else System.setProperty("logback.configurationFile", before);
        }
    }

    @Test
    void theLevelComesFromBelugaLogLevel() {
        System.setProperty("BELUGA_LOG_LEVEL", "debug");
        try {
            assertThat(LogConfigurator.level()).isEqualTo(Level.DEBUG);
            System.setProperty("BELUGA_LOG_LEVEL", "nonsense");
            assertThat(LogConfigurator.level()).isEqualTo(Level.INFO);
        } finally {
            System.clearProperty("BELUGA_LOG_LEVEL");
        }
    }
}
