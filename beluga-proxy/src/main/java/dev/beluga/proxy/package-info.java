/**
 * Beluga's kube-proxy. {@link dev.beluga.proxy.ServiceChangeTracker} turns Service and EndpointSlice watch events
 * into an immutable {@link dev.beluga.proxy.ProxyState} plus the set of services that changed;
 * {@link dev.beluga.proxy.ProxyRunner} hands both to a {@link dev.beluga.proxy.Proxier} — nftables rules
 * ({@link dev.beluga.proxy.nft.NftablesProxier}) or a userspace forwarder — at a bounded frequency, and records how
 * long an EndpointSlice change took to be programmed.
 */
package dev.beluga.proxy;
