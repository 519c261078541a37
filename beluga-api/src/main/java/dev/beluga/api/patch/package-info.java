/**
 * The patch types of the Kubernetes API on Jackson trees: JSON Patch ({@link dev.beluga.api.patch.JsonPatch}, RFC 6902),
 * JSON merge patch ({@link dev.beluga.api.patch.MergePatch}, RFC 7386) and strategic merge patch
 * ({@link dev.beluga.api.patch.StrategicMergePatch}) with the built-in kinds' merge keys
 * ({@link dev.beluga.api.patch.BuiltinPatchMeta}). Every patch returns a new tree and leaves its inputs alone; failures
 * are {@link dev.beluga.api.patch.PatchException}.
 */
package dev.beluga.api.patch;
