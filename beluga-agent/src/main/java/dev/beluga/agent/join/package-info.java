/**
 * Joining a cluster with a token ({@code beluga agent --server URL --token T}): the CA pinned by the token's hash, the
 * node's client and kubelet serving certificates obtained for keys made on the node, and their files in the agent's
 * data directory. See docs/agent.md, "Joining a cluster".
 */
package dev.beluga.agent.join;
