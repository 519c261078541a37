/**
 * The volumes of the pods on a node, in the kubelet's on-disk layout: {@link dev.beluga.agent.volumes.PodVolumes}
 * (set up, CRI mounts per container, refresh, teardown), the {@link dev.beluga.agent.volumes.AtomicWriter} for
 * configMap/secret/downwardAPI/projected content, the managed {@link dev.beluga.agent.volumes.EtcHosts}, and the
 * {@link dev.beluga.agent.volumes.ObjectSource} through which all of this reads cluster objects. See
 * {@code docs/agent-volumes-env.md}.
 */
package dev.beluga.agent.volumes;
