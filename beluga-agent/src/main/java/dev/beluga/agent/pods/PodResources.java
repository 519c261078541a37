package dev.beluga.agent.pods;

import dev.beluga.agent.env.EnvVariable;
import dev.beluga.cri.v1.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * What the kubelet computes from the cluster for a pod's containers: its volumes on the node, each container's
 * environment, command and mounts. Implementations are thread-safe; calls for one pod come from its pod worker only.
 */
public interface PodResources {
    /** A pod configuration problem, reported as the container's waiting reason (CreateContainerConfigError). */
    final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }

    /** Sets up (or refreshes) every volume of the pod; idempotent. */
    void setUpVolumes(Pod pod) throws ConfigException;

    /** The container's environment, in order. */
    List<EnvVariable> env(Pod pod, Container container, String podIp, String hostIp) throws ConfigException;

    /** Command and args with {@code $(VAR)} references expanded against the environment: [command, args]. */
    List<List<String>> commandAndArgs(Container container, List<EnvVariable> env);

    /** The container's mounts (volumes and the agent's own files such as /etc/hosts). */
    List<Mount> mounts(Pod pod, Container container, List<EnvVariable> env, String podIp) throws ConfigException;

    /** Removes everything {@link #setUpVolumes} made for the pod (never the contents of hostPath volumes); idempotent. */
    void tearDown(String podUid);
}
