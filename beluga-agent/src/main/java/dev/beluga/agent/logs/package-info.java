/**
 * Container logs as the kubelet serves them: {@link dev.beluga.agent.logs.CriLogReader} reads the CRI log files the
 * runtime writes ({@code <timestamp> <stdout|stderr> <F|P> <text>}) and applies
 * {@link dev.beluga.agent.logs.LogOptions} (tail, since, timestamps, byte limit, stream, follow).
 */
package dev.beluga.agent.logs;
