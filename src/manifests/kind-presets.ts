import type { CustomKind } from "./types.js";

/**
 * `--kinds preset:NAME`: custom resources of well-known operators that hold images, shipped as data so
 * nobody has to write the paths by hand. Each path is read as in a `--kinds` file.
 */
export const kindPresets: Readonly<Record<string, readonly CustomKind[]>> = {
  // prometheus-operator: the main image in spec.image; spec.containers / initContainers are merged into
  // the pods it creates (an entry may only patch the operator's own container, without an image).
  "prometheus-operator": ["Prometheus", "PrometheusAgent", "Alertmanager", "ThanosRuler"].map((kind) => ({
    kind,
    apiVersion: "monitoring.coreos.com/v1",
    paths: ["spec.image", "spec"],
  })),
  "argo-rollouts": [{ kind: "Rollout", apiVersion: "argoproj.io/v1alpha1", paths: ["spec.template"] }],
  knative: [
    { kind: "Service", apiVersion: "serving.knative.dev/v1", paths: ["spec.template"] },
    { kind: "Configuration", apiVersion: "serving.knative.dev/v1", paths: ["spec.template"] },
    { kind: "Revision", apiVersion: "serving.knative.dev/v1", paths: ["spec"] },
  ],
};

/** The preset that teaches `kind` of `apiVersion`, if one does. */
export function presetFor(kind: string, apiVersion: string): string | undefined {
  return Object.entries(kindPresets).find(([, kinds]) =>
    kinds.some((entry) => entry.kind === kind && (entry.apiVersion === undefined || entry.apiVersion === apiVersion)),
  )?.[0];
}
