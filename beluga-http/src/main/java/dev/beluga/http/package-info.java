/**
 * HTTP/1.1 upgrade pass-through shared by the API server (pods/exec, attach, portforward → kubelet) and the kubelet API
 * (→ the container runtime's stream server): the client's connection taken over from Jetty, the next hop's response
 * head, and the two-way byte copy that ends both sides together; and, for the WebSocket sessions the kubelet answers
 * itself instead of passing them through, the handshake ({@link dev.beluga.http.WebSocketHandshake}) and the framing
 * ({@link dev.beluga.http.WebSocket}).
 */
package dev.beluga.http;
