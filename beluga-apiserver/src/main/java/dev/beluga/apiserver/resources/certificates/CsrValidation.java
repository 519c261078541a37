package dev.beluga.apiserver.resources.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Names;
import dev.beluga.pki.CertificateDurations;
import dev.beluga.pki.CertificateRequest;
import dev.beluga.pki.KeyUsages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstream's validation of {@code certificates.k8s.io/v1} CertificateSigningRequests, with its messages: the request
 * is a PEM certificate request whose signature verifies, usages are given, known and not repeated, the signerName is
 * {@code <domain>/<path>} (not the legacy one), {@code expirationSeconds} is at least 600, conditions are well formed
 * (Approved/Denied/Failed only True, Approved and Denied exclusive, no duplicates), a certificate is PEM CERTIFICATE
 * blocks; and on updates which subresource may change what. (Upstream also tolerates, on updates, problems that
 * objects stored by older versions have; Beluga never stored such objects.) Stateless.
 */
final class CsrValidation {
    static final List<String> APPROVAL_TYPES = List.of("Approved", "Denied");
    private static final List<String> TRUE_ONLY_TYPES = List.of("Approved", "Denied", "Failed");
    private static final List<String> STATUS_VALUES = List.of("False", "True", "Unknown");
    private static final String LEGACY_SIGNER = "kubernetes.io/legacy-unknown";
    private static final Pattern PEM_BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final List<String> ALL_USAGES = List.of("any", "cert sign", "client auth", "code signing", "content commitment",
        "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only",
        "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc",
        "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping");

    private CsrValidation() {
    }

    /** The decoded bytes of a base64 field ({@code spec.request}, {@code status.certificate}); empty when absent. */
    static byte[] bytes(JsonNode n) {
        String s = n == null || n.isNull() ? "" : n.asText("");
        if (s.isEmpty()) return new byte[0];
        return Base64.getMimeDecoder().decode(s);
    }

    /** Rules for the object itself, on create and on every update. */
    static void validate(ObjectNode csr, FieldErrors e) {
        JsonNode spec = csr.path("spec");
        try {
            byte[] request = bytes(spec.get("request"));
            if (request.length == 0) e.invalid("spec.request", "", "PEM block type must be CERTIFICATE REQUEST");
            else CertificateRequest.parse(request);
        } catch (IllegalArgumentException ex) {
            e.invalid("spec.request", spec.path("request").asText(""), ex.getMessage());
        }
        List<String> usages = new ArrayList<>();
        spec.path("usages").forEach(u -> usages.add(u.asText()));
        if (usages.isEmpty()) e.required("spec.usages", "");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < usages.size(); i++) {
            if (!KeyUsages.isKnown(usages.get(i))) e.notSupported("spec.usages[" + i + "]", usages.get(i), ALL_USAGES);
            if (!seen.add(usages.get(i))) e.duplicate("spec.usages[" + i + "]", usages.get(i));
        }
        String signer = spec.path("signerName").asText("");
        if (LEGACY_SIGNER.equals(signer))
            e.invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version");
        else signerName(signer, e);
        JsonNode exp = spec.get("expirationSeconds");
        if (exp != null && !exp.isNull() && exp.asLong() < CertificateDurations.minimum().toSeconds())
            e.invalid("spec.expirationSeconds", exp.asLong(), "may not specify a duration less than "
                + CertificateDurations.minimum().toSeconds() + " seconds (" + CertificateDurations.minimum().toMinutes() + " minutes)");
        conditions(csr, e);
        String cert = csr.path("status").path("certificate").asText("");
        if (!cert.isEmpty()) {
            String problem = certificateProblem(bytes(csr.path("status").get("certificate")));
            if (problem != null) e.invalid("status.certificate", "<certificate data>", problem);
        }
    }

    /**
     * Rules for the change from {@code old}: Approved/Denied/Failed conditions are never removed; Approved and
     * Denied are added or changed only through {@code approval}; the certificate is set only through {@code status},
     * and only once.
     */
    static void validateUpdate(ObjectNode csr, ObjectNode old, String subresource, FieldErrors e) {
        for (String t : TRUE_ONLY_TYPES) {
            if (conditions(csr, t).size() < conditions(old, t).size())
                e.forbidden("status.conditions", "updates may not remove a condition of type \"" + t + "\"");
        }
        if (!"approval".equals(subresource)) {
            for (String t : APPROVAL_TYPES) {
                List<JsonNode> before = conditions(old, t);
                List<JsonNode> after = conditions(csr, t);
                if (after.size() > before.size())
                    e.forbidden("status.conditions", "updates may not add a condition of type \"" + t + "\"");
                else if (after.size() == before.size() && !after.equals(before))
                    e.forbidden("status.conditions", "updates may not modify a condition of type \"" + t + "\"");
            }
        }
        String before = old.path("status").path("certificate").asText("");
        String after = csr.path("status").path("certificate").asText("");
        if (!before.equals(after)) {
            if (!"status".equals(subresource)) e.forbidden("status.certificate", "updates may not set certificate content");
            else if (!before.isEmpty()) e.forbidden("status.certificate", "updates may not modify existing certificate content");
        }
    }

    /** The conditions of {@code type}, in order. */
    static List<JsonNode> conditions(JsonNode csr, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : csr.path("status").path("conditions")) if (type.equals(c.path("type").asText())) out.add(c);
        return out;
    }

    private static void conditions(ObjectNode csr, FieldErrors e) {
        boolean approved = false;
        boolean denied = false;
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode c : csr.path("status").path("conditions")) {
            String at = "status.conditions[" + i++ + "]";
            String type = c.path("type").asText("");
            if (type.isEmpty()) e.required(at + ".type", "");
            String status = c.path("status").asText("");
            List<String> allowed = TRUE_ONLY_TYPES.contains(type) ? List.of("True") : STATUS_VALUES;
            if (status.isEmpty()) e.required(at + ".status", "");
            else if (!allowed.contains(status)) e.notSupported(at + ".status", status, allowed);
            if (type.equals("Approved")) {
                approved = true;
                if (denied) e.invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive");
            } else if (type.equals("Denied")) {
                denied = true;
                if (approved) e.invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive");
            }
            if (!seen.add(type)) e.duplicate(at + ".type", type);
        }
    }

    /** Upstream's ValidateSignerName: {@code <DNS subdomain>/<path segment>}, at most 571 characters. */
    static void signerName(String signer, FieldErrors e) {
        if (signer.isEmpty()) {
            e.required("spec.signerName", "");
            return;
        }
        String[] parts = signer.split("/", -1);
        if (parts.length != 2) {
            e.invalid("spec.signerName", signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'");
            return;
        }
        if (parts[0].length() > 253) e.tooLong("spec.signerName", 253);
        else {
            String domain = Names.checkSubdomain(parts[0]);
            if (domain != null) e.invalid("spec.signerName", parts[0], domain);
            else if (!parts[0].contains(".")) e.invalid("spec.signerName", parts[0], "should be a domain with at least two segments separated by dots");
        }
        if (parts[1].isEmpty()) e.invalid("spec.signerName", signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'");
        else if (parts[1].length() > 571 - 253 - 1) e.tooLong("spec.signerName", 571 - 253 - 1);
        else {
            String path = Names.checkPathSegment(parts[1]);
            if (path != null) e.invalid("spec.signerName", parts[1], path);
        }
    }

    /** Upstream's validateCertificate: one or more CERTIFICATE PEM blocks without headers, each a certificate. */
    static String certificateProblem(byte[] pem) {
        Matcher m = PEM_BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        int blocks = 0;
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE")) return "only CERTIFICATE PEM blocks are allowed, found \"" + m.group(1) + "\"";
            if (m.group(2).contains(":")) return "no PEM block headers are permitted";
            try {
                dev.beluga.pki.Pem.certificates(m.group());
            } catch (IllegalArgumentException ex) {
                return ex.getMessage();
            }
            blocks++;
        }
        return blocks == 0 ? "must contain at least one CERTIFICATE PEM block" : null;
    }
}
