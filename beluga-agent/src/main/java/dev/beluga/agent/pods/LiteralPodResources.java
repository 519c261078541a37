package dev.beluga.agent.pods;

import dev.beluga.agent.env.EnvVariable;
import dev.beluga.cri.v1.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;

/**
 * The simplest {@link PodResources}: literal {@code env} values only, command and args as written, no volumes. For
 * tests of the pod lifecycle that do not need the cluster's objects; a pod using anything else fails with
 * CreateContainerConfigError naming what is unsupported.
 */
public final class LiteralPodResources implements PodResources {
    @Override
    public void setUpVolumes(Pod pod) throws ConfigException {
        if (pod.getSpec().getVolumes() != null && !pod.getSpec().getVolumes().isEmpty()) {
            throw new ConfigException("volumes are not supported by " + getClass().getSimpleName());
        }
    }

    @Override
    public List<EnvVariable> env(Pod pod, Container container, String podIp, String hostIp) throws ConfigException {
        List<EnvVariable> out = new ArrayList<>();
        if (container.getEnv() == null) return out;
        for (EnvVar e : container.getEnv()) {
            if (e.getValueFrom() != null) throw new ConfigException("valueFrom is not supported by " + getClass().getSimpleName());
            out.add(new EnvVariable(e.getName(), e.getValue() == null ? "" : e.getValue()));
        }
        return out;
    }

    @Override
    public List<List<String>> commandAndArgs(Container container, List<EnvVariable> env) {
        return List.of(container.getCommand() == null ? List.of() : container.getCommand(),
            container.getArgs() == null ? List.of() : container.getArgs());
    }

    @Override
    public List<Mount> mounts(Pod pod, Container container, List<EnvVariable> env, String podIp) {
        return List.of();
    }

    @Override
    public void tearDown(String podUid) {
    }
}
