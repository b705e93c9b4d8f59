/**
 * Which images each Calico operator release deploys, per variant, as data. Add a release by adding an
 * entry; nothing else changes. `images` are the default `<owner>/<name>` names an ImageSet uses;
 * `prefixes` match families of images whose members change between releases.
 *
 * Sources: the component lists named in imagepin's ImageSet issue for operator v1.43 / Calico v3.32
 * (from the operator's `--print-images=list`), and the operator's pkg/components lists for the
 * older release. The enterprise lists are representative, not exhaustive: Calico Enterprise ships
 * more optional components than fit here, and `verify` only reports unknown images, never extra ones.
 */

export type Variant = "calico" | "enterprise";

/** The images one variant of one release deploys. */
export interface ComponentList {
  /** Exact `<owner>/<name>` images. */
  images: string[];
  /** `<owner>/<name-prefix>` families (`calico/envoy-`). */
  prefixes?: string[];
  /** Images the operator rejects in an ImageSet although it prints them (pinned on their own). */
  excluded?: string[];
}

/** One operator release and the component lists of its variants. */
export interface OperatorRelease {
  operator: string;
  /** The Calico (open source) version, `vMAJOR.MINOR`. */
  calico: string;
  /** The Calico Enterprise version that ships with this operator, `vMAJOR.MINOR`, when known. */
  enterprise?: string;
  variants: Partial<Record<Variant, ComponentList>>;
}

export const operatorReleases: OperatorRelease[] = [
  {
    operator: "v1.43",
    calico: "v3.32",
    enterprise: "v3.22",
    variants: {
      calico: {
        images: [
          "calico/apiserver",
          "calico/cni",
          "calico/cni-windows",
          "calico/csi",
          "calico/goldmane",
          "calico/guardian",
          "calico/key-cert-provisioner",
          "calico/kube-controllers",
          "calico/node",
          "calico/node-windows",
          "calico/node-driver-registrar",
          "calico/pod2daemon-flexvol",
          "calico/typha",
          "calico/webhooks",
          "calico/whisker",
          "calico/whisker-backend",
        ],
        prefixes: ["calico/envoy-", "calico/istio-"],
        excluded: ["tigera/operator"],
      },
      enterprise: {
        images: [
          "tigera/cnx-node",
          "tigera/cnx-node-windows",
          "tigera/cnx-apiserver",
          "tigera/cnx-queryserver",
          "tigera/cnx-kube-controllers",
          "tigera/typha",
          "tigera/cni",
          "tigera/cni-windows",
          "tigera/csi",
          "tigera/node-driver-registrar",
          "tigera/pod2daemon-flexvol",
          "tigera/key-cert-provisioner",
          "tigera/manager",
          "tigera/voltron",
          "tigera/guardian",
          "tigera/linseed",
          "tigera/es-gateway",
          "tigera/fluentd",
          "tigera/fluentd-windows",
          "tigera/compliance-controller",
          "tigera/compliance-reporter",
          "tigera/compliance-server",
          "tigera/compliance-snapshotter",
          "tigera/compliance-benchmarker",
          "tigera/intrusion-detection-controller",
          "tigera/dex",
          "tigera/packetcapture",
          "tigera/policy-recommendation",
          "tigera/dikastes",
          "tigera/l7-collector",
          "tigera/egress-gateway",
          "tigera/elasticsearch",
          "tigera/kibana",
          "tigera/eck-operator",
          "tigera/ui-apis",
          "tigera/webhooks",
        ],
        prefixes: ["tigera/envoy", "tigera/prometheus", "tigera/alertmanager", "tigera/istio-"],
        excluded: ["tigera/operator"],
      },
    },
  },
  {
    operator: "v1.34",
    calico: "v3.28",
    enterprise: "v3.19",
    variants: {
      calico: {
        // This generation still listed the operator and the Windows upgrade helper as components.
        images: [
          "calico/apiserver",
          "calico/cni",
          "calico/cni-windows",
          "calico/csi",
          "calico/key-cert-provisioner",
          "calico/kube-controllers",
          "calico/node",
          "calico/node-windows",
          "calico/node-driver-registrar",
          "calico/pod2daemon-flexvol",
          "calico/typha",
          "calico/windows-upgrade",
          "tigera/operator",
        ],
      },
    },
  },
];
