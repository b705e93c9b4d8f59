import { firstAppearance, oldestKnownRelease, variantTitle, type Release } from "./releases.js";

/** What renders a component, and what the operator fails to roll out when the set lacks it. */
export interface ComponentNeed {
  /** Who needs it: "Windows nodes (spec.calicoNetwork.windowsDataplane: HNS)". */
  neededBy: string;
  /** What the operator cannot roll out without it: "calico-node-windows". */
  rollout: string;
}

// Read from tigera/operator v1.42.4 pkg/render (node.go, windows.go, csi.go, apiserver.go, guardian.go,
// goldmane/, whisker/, gatewayapi/, istio/, webhooks/) and the controllers that call them; for
// tigera/operator, v1.34.14 pkg/render/aws-securitygroup-setup.go. Each component's ResolveImages
// fails only when the component is rendered, so a set may leave out what a cluster never renders.
const calicoNeeds: Record<string, ComponentNeed> = {
  "calico/node": { neededBy: "every cluster", rollout: "calico-node" },
  "calico/typha": { neededBy: "every cluster", rollout: "calico-typha" },
  "calico/kube-controllers": { neededBy: "every cluster", rollout: "calico-kube-controllers" },
  "calico/cni": {
    neededBy: "clusters with the Calico CNI plugin (spec.cni.type: Calico, the default)",
    rollout: "calico-node",
  },
  "calico/pod2daemon-flexvol": {
    neededBy: "clusters with a flexvolume path (spec.flexVolumePath other than None)",
    rollout: "calico-node",
  },
  "calico/csi": {
    neededBy: "the CSI driver (spec.kubeletVolumePluginPath other than None)",
    rollout: "csi-node-driver",
  },
  "calico/node-driver-registrar": {
    neededBy: "the CSI driver (spec.kubeletVolumePluginPath other than None)",
    rollout: "csi-node-driver",
  },
  "calico/node-windows": {
    neededBy: "Windows nodes (spec.calicoNetwork.windowsDataplane: HNS)",
    rollout: "calico-node-windows",
  },
  "calico/cni-windows": {
    neededBy: "Windows nodes (spec.calicoNetwork.windowsDataplane: HNS)",
    rollout: "calico-node-windows",
  },
  "calico/apiserver": { neededBy: "the Calico API server (an APIServer resource)", rollout: "calico-apiserver" },
  "calico/webhooks": {
    neededBy: "the API server with Calico's v3 CRDs (an APIServer resource)",
    rollout: "calico-webhooks",
  },
  "calico/key-cert-provisioner": {
    neededBy: "certificate management (spec.certificateManagement)",
    rollout: "the key-cert-provisioner init containers",
  },
  "calico/goldmane": { neededBy: "Goldmane (a Goldmane resource)", rollout: "goldmane" },
  "calico/whisker": { neededBy: "Whisker (a Whisker resource)", rollout: "whisker" },
  "calico/whisker-backend": { neededBy: "Whisker (a Whisker resource)", rollout: "whisker" },
  "calico/guardian": { neededBy: "a ManagementClusterConnection (Calico Cloud)", rollout: "guardian" },
  "calico/envoy-gateway": {
    neededBy: "the Gateway API (a GatewayAPI resource)",
    rollout: "the Gateway API controller",
  },
  "calico/envoy-proxy": { neededBy: "the Gateway API (a GatewayAPI resource)", rollout: "the Gateway API controller" },
  "calico/envoy-ratelimit": {
    neededBy: "the Gateway API (a GatewayAPI resource)",
    rollout: "the Gateway API controller",
  },
  "tigera/operator": {
    neededBy: "OpenShift hosted control planes on AWS",
    rollout: "the AWS security-group setup job",
  },
};

const enterpriseCore = new Set([
  "tigera/cnx-node",
  "tigera/node",
  "tigera/typha",
  "tigera/kube-controllers",
  "tigera/cni",
]);

/** What needs a component of the release's variant, for the messages about a set that lacks it. */
export function componentNeed(image: string): ComponentNeed {
  const known = calicoNeeds[image];
  if (known) return known;
  if (image.startsWith("calico/istio-"))
    return { neededBy: "Istio ambient mode (an Istio resource)", rollout: "Istio" };
  const name = image.split("/").at(-1)!;
  if (image.endsWith("-windows"))
    return { neededBy: "Windows nodes (spec.calicoNetwork.windowsDataplane: HNS)", rollout: name };
  if (enterpriseCore.has(image)) return { neededBy: "every cluster", rollout: name };
  return { neededBy: "the Calico Enterprise feature that deploys it", rollout: name };
}

/**
 * The sentence about a component the set lacks: who needs it, what fails without it, and since which
 * release it exists. Stated as a fact about the rollout: the operator accepts the set all the same.
 */
export function describeMissing(image: string, release: Release): string {
  const { neededBy, rollout } = componentNeed(image);
  const since = firstAppearance(release.variant, image);
  const title = variantTitle[release.variant];
  const origin = since
    ? `; a component since ${title} ${since.version} (operator ${since.operator})`
    : `; a component of every ${title} release imagepin knows (${oldestKnownRelease(release.variant)} and later)`;
  return `${image} is not in the set: it is needed by ${neededBy}, and the operator fails to roll out ${rollout} without it${origin}`;
}
