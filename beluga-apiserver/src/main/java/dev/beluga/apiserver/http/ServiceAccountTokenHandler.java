package dev.beluga.apiserver.http;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.ResourceType;
import dev.beluga.apiserver.serviceaccount.TokenRequests;

/** {@code POST .../serviceaccounts/NAME/token}: a TokenRequest answered by {@link TokenRequests} (201). */
public final class ServiceAccountTokenHandler implements ApiHandler.SubresourceHandler {
    private final TokenRequests requests;

    public ServiceAccountTokenHandler(TokenRequests requests) {
        this.requests = requests;
    }

    @Override
    public boolean handle(Exchange ex, ResourceType type, String namespace, String name, String subresource) {
        if (!type.plural().equals("serviceaccounts") || !type.group().isEmpty() || !subresource.equals("token")) return false;
        if (!ex.method().equals("POST")) throw StatusException.methodNotAllowed("only POST is allowed on serviceaccounts/token");
        ex.sendJson(201, requests.create(namespace, name, Bodies.object(ex, null)));
        return true;
    }
}
