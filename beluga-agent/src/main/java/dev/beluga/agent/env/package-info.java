/**
 * What the node agent computes for a container's environment before it creates the container, with the kubelet's
 * semantics and messages: {@link dev.beluga.agent.env.EnvResolver} (service links, envFrom, env with valueFrom and
 * {@code $(VAR)} expansion), {@link dev.beluga.agent.env.Expansion} (also for command, args and subPathExpr), and the
 * downward API readers shared with volumes ({@link dev.beluga.agent.env.PodFields},
 * {@link dev.beluga.agent.env.ResourceFieldValues}). See {@code docs/agent-volumes-env.md}.
 */
package dev.beluga.agent.env;
