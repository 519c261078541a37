/**
 * The node agent's images: the built-in pause and busybox images, built reproducibly on the node from Debian
 * packages (gcc, libc6-dev, busybox-static) as OCI archives, and their import into the node's containerd.
 *
 * <ul>
 *   <li>{@link dev.beluga.agent.images.RootfsEntry}, {@link dev.beluga.agent.images.Layer},
 *       {@link dev.beluga.agent.images.ImageConfig}, {@link dev.beluga.agent.images.OciArchive}: a single-layer image
 *       as an OCI image layout in one tar file, byte-identical for identical inputs;
 *   <li>{@link dev.beluga.agent.images.BuiltinImages}: builds {@code pause.tar} and {@code busybox.tar} into a cache
 *       directory, reusing them while their inputs are unchanged;
 *   <li>{@link dev.beluga.agent.images.ImageImporter}: {@code ctr images import} into a containerd, confirmed through
 *       CRI.
 * </ul>
 */
package dev.beluga.agent.images;
