package dev.beluga.agent.volumes;

import dev.beluga.agent.env.PodFields;
import dev.beluga.agent.env.ResourceFieldValues;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a downwardAPI volume or projection (the kubelet's CollectData): {@code fieldRef} through
 * {@link PodFields#extract} (metadata only, as for volumes upstream), {@code resourceFieldRef} through
 * {@link ResourceFieldValues} for the named container with limits defaulted from the node's allocatable. The lines of a
 * value are sorted (labels and annotations files). Every item is tried; the errors are aggregated like the kubelet's.
 */
final class DownwardApiPayload {
    private DownwardApiPayload() {
    }

    static Map<String, FileProjection> collect(List<DownwardAPIVolumeFile> items, Pod pod, int defaultMode,
                                               Map<String, Quantity> nodeAllocatable) throws VolumeException {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            int mode = item.getMode() != null ? item.getMode() : defaultMode;
            String value = "";
            try {
                if (item.getFieldRef() != null) {
                    value = PodFields.extract(pod, item.getFieldRef().getFieldPath());
                } else if (item.getResourceFieldRef() != null) {
                    String container = item.getResourceFieldRef().getContainerName();
                    if (container == null || container.isEmpty()) throw new IllegalArgumentException("container  not found");
                    value = ResourceFieldValues.value(pod, null, item.getResourceFieldRef(), nodeAllocatable);
                }
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
                continue;
            }
            out.put(AtomicWriter.clean(item.getPath() == null ? "" : item.getPath()),
                new FileProjection(sortLines(value).getBytes(StandardCharsets.UTF_8), mode));
        }
        String error = Messages.aggregate(errors);
        if (error != null) throw new VolumeException(error);
        return out;
    }

    static String sortLines(String value) {
        String[] lines = value.split("\n", -1);
        Arrays.sort(lines);
        return String.join("\n", lines);
    }
}
