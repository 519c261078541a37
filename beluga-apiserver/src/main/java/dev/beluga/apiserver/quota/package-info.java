/**
 * ResourceQuota in the API server, as upstream's quota admission plugin: {@link dev.beluga.apiserver.quota.QuotaLedger}
 * charges every create (and every update that grows a limited resource) of a namespaced object to the quotas of its
 * namespace before the object is stored, refusing with 403 what would exceed them; {@link
 * dev.beluga.apiserver.quota.QuotaAdmission} is its write hook on each resource;
 * {@link dev.beluga.apiserver.quota.ResourceQuotaStrategy} gives a new or changed quota its {@code status.hard} and
 * {@code status.used} at once. Releases (deletes, pods that end) are the resource quota controller's work, in
 * beluga-controllers. Usage rules live in {@code dev.beluga.api.quota}, shared with that controller.
 */
package dev.beluga.apiserver.quota;
