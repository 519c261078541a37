package dev.beluga.agent.server;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.beluga.pki.X509Identity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet API's entry point: authenticates, then routes {@code /<name>/...} to its {@link KubeletEndpoint}.
 *
 * <ul>
 *   <li>Authentication: every path, {@code /healthz} included (as upstream's kubelet with anonymous access off),
 *       needs a client certificate, which the TLS layer has already verified against the client CAs; without one:
 *       401 {@code Unauthorized}.</li>
 *   <li>Authorization: the {@link KubeletAuthorizer} (the API server, by SubjectAccessReview) is asked whether the
 *       certificate's user (CN) and groups (O, and {@code system:authenticated}) may do the request's
 *       {@link KubeletRequestAttributes} ({@code nodes/proxy}, {@code nodes/stats}, ...); if not: 403
 *       {@code Forbidden (user=..., verb=..., resource=nodes, subresource=...)}.</li>
 *   <li>{@code GET /healthz}: {@code ok}. Unknown paths: 404 {@value #NOT_FOUND}.</li>
 * </ul>
 *
 * <p>Each request runs on a virtual thread of its own, since log follows hold theirs for as long as they last. The
 * Jetty callback is completed when the endpoint returns, failed when it throws after its response was committed.
 */
final class KubeletHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(KubeletHandler.class);
    static final String NOT_FOUND = "404 page not found";
    static final String METHOD_NOT_ALLOWED = "405: Method Not Allowed";

    private final Map<String, KubeletEndpoint> endpoints = new HashMap<>();
    private final String nodeName;
    private final KubeletAuthorizer authorizer;

    /**
     * @param nodeName   this node's name (the {@code nodes} object requests are authorized against)
     * @param authorizer decides who may do what ({@link KubeletAuthorizer#ALLOW_ALL} for no authorization)
     */
    KubeletHandler(List<KubeletEndpoint> endpoints, String nodeName, KubeletAuthorizer authorizer) {
        super(InvocationType.NON_BLOCKING);
        for (KubeletEndpoint e : endpoints) this.endpoints.put(e.name(), e);
        this.nodeName = nodeName;
        this.authorizer = authorizer;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Thread.ofVirtual().name("kubelet-api").start(() -> serve(request, response, callback));
        return true;
    }

    private void serve(Request request, Response response, Callback callback) {
        try {
            route(request, response);
            callback.succeeded();
        } catch (KubeletError e) {
            answer(response, callback, e.status(), e.body(), null);
        } catch (Throwable e) {
            if (!response.isCommitted()) log.error("error serving {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            answer(response, callback, 500, String.valueOf(e.getMessage()), e);
        }
    }

    private void route(Request request, Response response) throws Exception {
        X509Identity client = identity(request);
        if (client == null) throw new KubeletError(401, "Unauthorized");
        String path = request.getHttpURI().getDecodedPath();
        KubeletRequestAttributes attributes = KubeletRequestAttributes.of(request.getMethod(), path, nodeName);
        List<String> groups = new ArrayList<>(client.groups());
        groups.add("system:authenticated");
        KubeletAuthorizer.Decision decision = authorizer.authorize(client.user(), groups, attributes);
        if (!decision.allowed()) {
            log.debug("refused {} {} for {}: {}", request.getMethod(), path, client.user(), decision.reason());
            throw new KubeletError(403, attributes.refusal(client.user()));
        }
        if (path.equals("/healthz")) {
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) throw new KubeletError(405, METHOD_NOT_ALLOWED);
            PlainText.send(response, 200, "ok");
            return;
        }
        List<String> segments = Arrays.asList(path.split("/", -1));
        if (segments.size() < 2) throw new KubeletError(404, NOT_FOUND);
        KubeletEndpoint endpoint = endpoints.get(segments.get(1));
        if (endpoint == null) throw new KubeletError(404, NOT_FOUND);
        endpoint.serve(request, response, segments.subList(2, segments.size()));
    }

    /**
     * The user and groups (CN, O) of the client's certificate, which TLS verified against the client CAs; null without
     * a certificate, or with one that names no user.
     */
    static X509Identity identity(Request request) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (!(data instanceof EndPoint.SslSessionData ssl) || ssl.peerCertificates() == null || ssl.peerCertificates().length == 0)
            return null;
        try {
            return X509Identity.fromCertificate(ssl.peerCertificates()[0]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void answer(Response response, Callback callback, int status, String body, Throwable failure) {
        if (response.isCommitted()) {
            callback.failed(failure == null ? new IllegalStateException(body) : failure);
            return;
        }
        try {
            PlainText.send(response, status, body);
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
    }
}
