package dev.beluga.apiserver.auth;

import java.util.List;

/**
 * Authenticates a bearer token that is not in the {@link Authenticator}'s static table (upstream's
 * {@code authenticator.Token}), e.g. service-account JWTs. Thread-safe.
 */
public interface TokenAuthenticator {
    /** The result of a token check: the user, or why the token was refused. */
    record Result(UserInfo user, List<String> audiences, String error) {
        public static Result refused(String error) {
            return new Result(null, List.of(), error);
        }

        public boolean authenticated() {
            return user != null;
        }
    }

    /**
     * Checks {@code token} for one of {@code audiences} (empty: the API server's own audiences); returns
     * {@link Result#refused} for tokens it does not accept (never null).
     */
    Result authenticate(String token, List<String> audiences);
}
