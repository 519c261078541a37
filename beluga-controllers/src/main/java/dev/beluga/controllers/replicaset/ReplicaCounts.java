package dev.beluga.controllers.replicaset;

/** The counted part of a ReplicaSet's (or ReplicationController's) status. */
record ReplicaCounts(int replicas, int fullyLabeled, int ready, int available, long observedGeneration) {
    static final ReplicaCounts NONE = new ReplicaCounts(0, 0, 0, 0, 0);
}
