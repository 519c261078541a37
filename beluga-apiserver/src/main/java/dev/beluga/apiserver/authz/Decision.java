package dev.beluga.apiserver.authz;

/**
 * An authorizer's answer, as upstream: {@link Kind#ALLOW} and {@link Kind#DENY} end the chain, {@link Kind#NO_OPINION}
 * passes the request to the next authorizer. The reason is shown to clients (Forbidden message, access reviews).
 */
public record Decision(Kind kind, String reason) {
    public enum Kind { ALLOW, DENY, NO_OPINION }

    public static final Decision NO_OPINION = new Decision(Kind.NO_OPINION, "");

    public static Decision allow(String reason) {
        return new Decision(Kind.ALLOW, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Kind.DENY, reason);
    }

    public static Decision noOpinion(String reason) {
        return new Decision(Kind.NO_OPINION, reason);
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
