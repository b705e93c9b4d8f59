/**
 * Where the built-in Kubernetes kinds keep their pod spec, and the lists of containers in one: shared by
 * the manifest scanner (every kind) and the webhook (workloads, with `mutateWorkloads`).
 */

/** The path of each built-in kind's pod spec, as property names from the object's root. */
export const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The container lists of a pod spec, in the order the kubelet starts them. */
export const containerLists = ["initContainers", "containers", "ephemeralContainers"] as const;
