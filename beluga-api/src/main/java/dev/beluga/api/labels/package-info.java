/**
 * Kubernetes label selectors: the string form of {@code ?labelSelector=} ({@link dev.beluga.api.labels.LabelSelector#parse}),
 * the structured {@code metav1.LabelSelector} ({@link dev.beluga.api.labels.LabelSelector#fromJson}), matching, and
 * label key/value syntax ({@link dev.beluga.api.labels.LabelSyntax}). Semantics and error messages follow
 * k8s.io/apimachinery {@code pkg/labels}; errors are {@link dev.beluga.api.labels.InvalidSelectorException}.
 */
package dev.beluga.api.labels;
