/**
 * The node agent (Beluga's kubelet): node registration and heartbeats, the pod lifecycle over CRI, volumes,
 * environment, probes, images and the node's pod network configuration.
 */
package dev.beluga.agent;
