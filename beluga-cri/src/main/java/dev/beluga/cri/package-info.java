/**
 * The node agent's container runtime layer: a CRI v1 client ({@link dev.beluga.cri.CriClient}) over a runtime's
 * unix socket, containerd's per-node configuration ({@link dev.beluga.cri.ContainerdConfig}) and the supervisor of a
 * containerd child process ({@link dev.beluga.cri.ContainerdProcess}). The CRI messages and stubs are generated from
 * {@code src/main/proto/cri.proto} into {@code dev.beluga.cri.v1}. Nothing here depends on other Beluga modules.
 */
package dev.beluga.cri;
