/**
 * HTTP/1.1 upgrade pass-through shared by the API server (pods/exec, attach, portforward → kubelet) and the kubelet API
 * (→ the container runtime's stream server): the client's connection taken over from Jetty, the next hop's response
 * head, and the two-way byte copy that ends both sides together.
 */
package dev.beluga.http;
