package dev.beluga.agent.logs;

import java.io.IOException;

/**
 * A container's log file could not be opened, before anything was written. The message is the kubelet's text for it
 * (e.g. {@code failed to try resolving symlinks in path "/var/log/pods/...": lstat ...: no such file or directory}).
 */
public final class LogFileUnavailableException extends IOException {
    public LogFileUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
