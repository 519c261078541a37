package dev.beluga.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.Durations;
import dev.beluga.apiserver.table.TableColumns;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code certificates.k8s.io/v1} CertificateSigningRequests, as upstream's registry strategies (main resource, status
 * and approval) do it:
 *
 * <ul>
 *   <li>create: {@code spec.username}/{@code uid}/{@code groups}/{@code extra} are replaced by the requesting user's
 *       (what a client sends there is dropped); the status starts empty (no pre-approved requests);</li>
 *   <li>update of the main resource: spec and status are the stored ones (only metadata changes);</li>
 *   <li>{@code /status}: spec stays; Approved and Denied conditions stay as stored (the signer sets the certificate
 *       and Failed conditions); {@code /approval}: only the conditions change;</li>
 *   <li>conditions get {@code lastUpdateTime} when they have none, and {@code lastTransitionTime} (kept from the
 *       stored condition of that type with the same status, else now);</li>
 *   <li>validation: {@link CsrValidation}; field selector {@code spec.signerName}; upstream's table columns NAME AGE
 *       SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION.</li>
 * </ul>
 *
 * Stateless apart from the clock; thread-safe.
 */
public final class CertificateSigningRequestStrategy implements Strategy {
    private static final TableColumns TABLE = TableColumns.builder()
        .age()
        .column("SignerName", "Only requests with this signer name are signed by its signer.",
            o -> orNone(o.path("spec").path("signerName").asText("")))
        .column("Requestor", "Name of the user who requested the certificate.", o -> o.path("spec").path("username").asText(""))
        .column("RequestedDuration", "Requested certificate lifetime.", o -> {
            JsonNode s = o.path("spec").get("expirationSeconds");
            return s == null || s.isNull() ? "<none>" : Durations.human(Duration.ofSeconds(s.asLong()));
        })
        .column("Condition", "The condition of the request: Pending, Approved or Denied, then Failed and Issued.",
            CertificateSigningRequestStrategy::condition)
        .build();

    private final Clock clock;

    public CertificateSigningRequestStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void prepareForCreate(ObjectNode csr, UserInfo user) {
        ObjectNode spec = Json.with(csr, "spec");
        for (String f : List.of("username", "uid", "groups", "extra")) spec.remove(f);
        if (user != null) {
            spec.put("username", user.name());
            ArrayNode groups = spec.putArray("groups");
            user.groups().forEach(groups::add);
        }
        csr.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode csr, ObjectNode old) {
        copy(old, csr, "spec");
        copy(old, csr, "status");
    }

    @Override
    public void prepareForSubresourceUpdate(String subresource, ObjectNode result, ObjectNode requested, ObjectNode old) {
        copy(old, result, "spec");
        if ("approval".equals(subresource)) {
            JsonNode conditions = requested.path("status").get("conditions");
            ObjectNode status = Json.with(result, "status");
            if (conditions == null || conditions.isNull()) status.remove("conditions");
            else status.set("conditions", conditions.deepCopy());
        } else if ("status".equals(subresource)) {
            for (String t : CsrValidation.APPROVAL_TYPES) keepInstances(result, old, t);
        }
        stampConditions(result, old);
    }

    @Override
    public void validate(ObjectNode csr, FieldErrors errors) {
        CsrValidation.validate(csr, errors);
    }

    @Override
    public void validateUpdate(ObjectNode csr, ObjectNode old, String subresource, FieldErrors errors) {
        // the object's own rules ran already (validate); these are the rules of the change
        CsrValidation.validateUpdate(csr, old, subresource, errors);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode csr) {
        return Map.of("spec.signerName", csr.path("spec").path("signerName").asText(""));
    }

    @Override
    public Set<String> selectableFieldNames() {
        return Set.of("spec.signerName");
    }

    @Override
    public TableColumns table() {
        return TABLE;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT; // upstream: "we don't care what you call your certificate requests"
    }

    /** Upstream's CONDITION cell: Denied, else Approved, else Pending; then ",Failed" and ",Issued". */
    static String condition(ObjectNode csr) {
        boolean approved = !CsrValidation.conditions(csr, "Approved").isEmpty();
        boolean denied = !CsrValidation.conditions(csr, "Denied").isEmpty();
        boolean failed = !CsrValidation.conditions(csr, "Failed").isEmpty();
        String s = denied ? "Denied" : approved ? "Approved" : "Pending";
        if (failed) s += ",Failed";
        if (!csr.path("status").path("certificate").asText("").isEmpty()) s += ",Issued";
        return s;
    }

    /** Replaces the conditions of {@code type} in {@code csr} by those stored in {@code old} (upstream's preserveConditionInstances). */
    private static void keepInstances(ObjectNode csr, ObjectNode old, String type) {
        ArrayNode kept = Json.array();
        for (JsonNode c : csr.path("status").path("conditions")) if (!type.equals(c.path("type").asText())) kept.add(c);
        for (JsonNode c : CsrValidation.conditions(old, type)) kept.add(c.deepCopy());
        if (kept.isEmpty() && !csr.path("status").has("conditions")) return;
        Json.with(csr, "status").set("conditions", kept);
    }

    private void stampConditions(ObjectNode csr, ObjectNode old) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        for (JsonNode n : csr.path("status").path("conditions")) {
            if (!(n instanceof ObjectNode c)) continue;
            if (c.path("lastUpdateTime").asText("").isEmpty()) c.put("lastUpdateTime", now);
            if (!c.path("lastTransitionTime").asText("").isEmpty()) continue;
            String transition = now;
            for (JsonNode o : CsrValidation.conditions(old, c.path("type").asText(""))) {
                if (o.path("status").asText("").equals(c.path("status").asText("")) && !o.path("lastTransitionTime").asText("").isEmpty())
                    transition = o.path("lastTransitionTime").asText();
            }
            c.put("lastTransitionTime", transition);
        }
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) to.set(field, from.get(field).deepCopy());
        else to.remove(field);
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "<none>" : s;
    }
}
