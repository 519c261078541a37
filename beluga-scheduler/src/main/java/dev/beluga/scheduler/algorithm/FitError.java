package dev.beluga.scheduler.algorithm;

import dev.beluga.scheduler.framework.FitErrorMessage;
import dev.beluga.scheduler.framework.PodInfo;

/** No node fits the pod; the message is upstream's {@code FitError.Error()} (see {@link FitErrorMessage}). */
public final class FitError extends Exception {
    private final transient PodInfo pod;
    private final int numAllNodes;
    private final transient Diagnosis diagnosis;

    public FitError(PodInfo pod, int numAllNodes, Diagnosis diagnosis) {
        super(null, null, false, false);
        this.pod = pod;
        this.numAllNodes = numAllNodes;
        this.diagnosis = diagnosis;
    }

    public PodInfo pod() {
        return pod;
    }

    public int numAllNodes() {
        return numAllNodes;
    }

    public Diagnosis diagnosis() {
        return diagnosis;
    }

    @Override
    public String getMessage() {
        return FitErrorMessage.of(numAllNodes, diagnosis.preFilterMsg, diagnosis.nodeToStatus, diagnosis.postFilterMsg);
    }
}
