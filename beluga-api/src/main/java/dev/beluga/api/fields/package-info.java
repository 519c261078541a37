/**
 * Kubernetes field selectors ({@code ?fieldSelector=}): parsing with upstream's escapes, matching against an object's
 * field values, and exact-value lookups for indexes. Semantics and error messages follow k8s.io/apimachinery
 * {@code pkg/fields}; errors are {@link dev.beluga.api.labels.InvalidSelectorException}.
 */
package dev.beluga.api.fields;
