/**
 * Resource quota rules shared by the API server's quota admission and the resource quota controller: exact
 * quantities ({@link dev.beluga.api.quota.Amount}), what an object uses ({@link dev.beluga.api.quota.QuotaUsage},
 * {@link dev.beluga.api.quota.PodResourceSums}), which quotas apply ({@link dev.beluga.api.quota.QuotaScopes}), a
 * quota's usage over a namespace ({@link dev.beluga.api.quota.QuotaCalculator}) and the admission checks with
 * upstream's messages ({@link dev.beluga.api.quota.QuotaCheck}). Objects are Jackson trees, so both sides use the same
 * code on the JSON they hold. Semantics follow upstream's {@code pkg/quota/v1/evaluator/core} and the quota admission
 * plugin.
 */
package dev.beluga.api.quota;
