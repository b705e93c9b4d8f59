// Generated from tigera/operator's sources at each release tag (see the header of releases.ts): the
// CalicoImages and EnterpriseImages lists of pkg/components/calico.go, enterprise.go and operator.go,
// and CalicoRelease / EnterpriseRelease, which name the ImageSet the operator looks for. Data only.

import type { OperatorSeries, OperatorPatch } from "./release-types.js";

/** Every operator series imagepin knows, oldest first, with the lists that changed within a series. */
export const operatorSeries: OperatorSeries[] = [
  {
    operator: "v1.32",
    source: "tigera/operator v1.32.13",
    lists: [
      {
        since: "v1.32.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/kube-controllers",
          "calico/node", "calico/node-driver-registrar", "calico/node-windows", "calico/pod2daemon-flexvol",
          "calico/typha", "tigera/operator"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cloud-controllers", "tigera/cni", "tigera/cnx-apiserver",
          "tigera/cnx-manager", "tigera/cnx-node", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/es-curator", "tigera/es-gateway",
          "tigera/es-proxy", "tigera/fluentd", "tigera/fluentd-windows", "tigera/guardian",
          "tigera/intrusion-detection-controller", "tigera/intrusion-detection-job-installer", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/voltron"
        ],
      },
    ],
  },
  {
    operator: "v1.33",
    source: "tigera/operator v1.33.0",
    lists: [
      {
        since: "v1.33.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/kube-controllers",
          "calico/node", "calico/node-driver-registrar", "calico/node-windows", "calico/pod2daemon-flexvol",
          "calico/typha", "tigera/operator"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cloud-controllers", "tigera/cni", "tigera/cnx-apiserver",
          "tigera/cnx-manager", "tigera/cnx-node", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/es-curator", "tigera/es-gateway",
          "tigera/es-proxy", "tigera/fluentd", "tigera/fluentd-windows", "tigera/guardian",
          "tigera/intrusion-detection-controller", "tigera/intrusion-detection-job-installer", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/voltron", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.34",
    source: "tigera/operator v1.34.14",
    lists: [
      {
        since: "v1.34.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/key-cert-provisioner",
          "calico/kube-controllers", "calico/node", "calico/node-driver-registrar", "calico/node-windows",
          "calico/pod2daemon-flexvol", "calico/typha", "tigera/operator"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/es-gateway", "tigera/es-proxy", "tigera/fluentd",
          "tigera/fluentd-windows", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/voltron", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.35",
    source: "tigera/operator v1.35.3",
    lists: [
      {
        since: "v1.35.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/key-cert-provisioner",
          "calico/kube-controllers", "calico/node", "calico/node-driver-registrar", "calico/node-windows",
          "calico/pod2daemon-flexvol", "calico/typha", "tigera/operator"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/es-gateway", "tigera/es-proxy", "tigera/fluentd",
          "tigera/fluentd-windows", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/voltron", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.36",
    source: "tigera/operator v1.36.16",
    lists: [
      {
        since: "v1.36.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/key-cert-provisioner",
          "calico/kube-controllers", "calico/node", "calico/node-driver-registrar", "calico/node-windows",
          "calico/pod2daemon-flexvol", "calico/typha"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/es-gateway", "tigera/es-proxy", "tigera/fluentd",
          "tigera/fluentd-windows", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed",
          "tigera/node-driver-registrar", "tigera/packetcapture", "tigera/pod2daemon-flexvol",
          "tigera/policy-recommendation", "tigera/prometheus", "tigera/prometheus-service", "tigera/typha",
          "tigera/voltron", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.37",
    source: "tigera/operator v1.37.2",
    lists: [
      {
        since: "v1.37.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/key-cert-provisioner",
          "calico/kube-controllers", "calico/node", "calico/node-driver-registrar", "calico/node-windows",
          "calico/pod2daemon-flexvol", "calico/typha"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/guardian", "tigera/intrusion-detection-controller", "tigera/intrusion-detection-job-installer",
          "tigera/key-cert-provisioner", "tigera/kibana", "tigera/kube-controllers",
          "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.38",
    source: "tigera/operator v1.38.16",
    lists: [
      {
        since: "v1.38.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/guardian", "tigera/intrusion-detection-controller", "tigera/intrusion-detection-job-installer",
          "tigera/key-cert-provisioner", "tigera/kibana", "tigera/kube-controllers",
          "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.39",
    source: "tigera/operator v1.39.3",
    lists: [
      {
        since: "v1.39.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/cni", "tigera/cni-windows", "tigera/cnx-apiserver", "tigera/cnx-manager",
          "tigera/cnx-node", "tigera/cnx-node-windows", "tigera/cnx-queryserver", "tigera/compliance-benchmarker",
          "tigera/compliance-controller", "tigera/compliance-reporter", "tigera/compliance-server",
          "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection", "tigera/dex",
          "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/guardian", "tigera/intrusion-detection-controller", "tigera/intrusion-detection-job-installer",
          "tigera/key-cert-provisioner", "tigera/kibana", "tigera/kube-controllers",
          "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed", "tigera/node-driver-registrar",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.40",
    source: "tigera/operator v1.40.15",
    lists: [
      {
        since: "v1.40.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/apiserver", "tigera/cni", "tigera/cni-windows",
          "tigera/compliance-benchmarker", "tigera/compliance-controller", "tigera/compliance-reporter",
          "tigera/compliance-server", "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection",
          "tigera/dex", "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/gateway-l7-collector", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed",
          "tigera/manager", "tigera/node", "tigera/node-driver-registrar", "tigera/node-windows",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/queryserver", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/waf-http-filter", "tigera/webhooks-processor"
        ],
      },
      {
        since: "v1.40.3",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/apiserver", "tigera/cni", "tigera/cni-windows",
          "tigera/compliance-benchmarker", "tigera/compliance-controller", "tigera/compliance-reporter",
          "tigera/compliance-server", "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection",
          "tigera/dex", "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/gateway-l7-collector", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/istio-install-cni", "tigera/istio-pilot",
          "tigera/istio-proxyv2", "tigera/istio-ztunnel", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed",
          "tigera/manager", "tigera/node", "tigera/node-driver-registrar", "tigera/node-windows",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/queryserver", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/waf-http-filter", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.41",
    source: "tigera/operator v1.41.1",
    lists: [
      {
        since: "v1.41.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/apiserver", "tigera/cni", "tigera/cni-windows",
          "tigera/compliance-benchmarker", "tigera/compliance-controller", "tigera/compliance-reporter",
          "tigera/compliance-server", "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection",
          "tigera/dex", "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/gateway-l7-collector", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/istio-install-cni", "tigera/istio-pilot",
          "tigera/istio-proxyv2", "tigera/istio-ztunnel", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed",
          "tigera/manager", "tigera/node", "tigera/node-driver-registrar", "tigera/node-windows",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/queryserver", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/waf-http-filter", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.42",
    source: "tigera/operator v1.42.4",
    lists: [
      {
        since: "v1.42.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/istio-install-cni", "calico/istio-pilot", "calico/istio-proxyv2", "calico/istio-ztunnel",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/webhooks", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/apiserver", "tigera/cni", "tigera/cni-windows",
          "tigera/compliance-benchmarker", "tigera/compliance-controller", "tigera/compliance-reporter",
          "tigera/compliance-server", "tigera/compliance-snapshotter", "tigera/csi", "tigera/deep-packet-inspection",
          "tigera/dex", "tigera/dikastes", "tigera/eck-operator", "tigera/egress-gateway", "tigera/elasticsearch",
          "tigera/elasticsearch-metrics", "tigera/envoy", "tigera/envoy-gateway", "tigera/envoy-proxy",
          "tigera/envoy-ratelimit", "tigera/es-gateway", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/gateway-l7-collector", "tigera/guardian", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/istio-install-cni", "tigera/istio-pilot",
          "tigera/istio-proxyv2", "tigera/istio-ztunnel", "tigera/key-cert-provisioner", "tigera/kibana",
          "tigera/kube-controllers", "tigera/l7-admission-controller", "tigera/l7-collector", "tigera/linseed",
          "tigera/manager", "tigera/node", "tigera/node-driver-registrar", "tigera/node-windows",
          "tigera/packetcapture", "tigera/pod2daemon-flexvol", "tigera/policy-recommendation", "tigera/prometheus",
          "tigera/prometheus-service", "tigera/queryserver", "tigera/typha", "tigera/ui-apis", "tigera/voltron",
          "tigera/waf-http-filter", "tigera/webhooks", "tigera/webhooks-processor"
        ],
      },
    ],
  },
  {
    operator: "v1.43",
    source: "tigera/operator v1.43.0",
    lists: [
      {
        since: "v1.43.0",
        calico: [
          "calico/apiserver", "calico/cni", "calico/cni-windows", "calico/csi", "calico/envoy-gateway",
          "calico/envoy-proxy", "calico/envoy-ratelimit", "calico/goldmane", "calico/guardian",
          "calico/istio-install-cni", "calico/istio-pilot", "calico/istio-proxyv2", "calico/istio-ztunnel",
          "calico/key-cert-provisioner", "calico/kube-controllers", "calico/node", "calico/node-driver-registrar",
          "calico/node-windows", "calico/pod2daemon-flexvol", "calico/typha", "calico/webhooks", "calico/whisker",
          "calico/whisker-backend"
        ],
        enterprise: [
          "tigera/alertmanager", "tigera/calico", "tigera/cni-windows", "tigera/compliance-benchmarker",
          "tigera/deep-packet-inspection", "tigera/dex", "tigera/dikastes", "tigera/eck-operator",
          "tigera/egress-gateway", "tigera/elasticsearch", "tigera/envoy", "tigera/envoy-gateway",
          "tigera/envoy-proxy", "tigera/envoy-ratelimit", "tigera/fluentd", "tigera/fluentd-windows",
          "tigera/gateway-l7-collector", "tigera/intrusion-detection-controller",
          "tigera/intrusion-detection-job-installer", "tigera/istio-install-cni", "tigera/istio-pilot",
          "tigera/istio-proxyv2", "tigera/istio-ztunnel", "tigera/kibana", "tigera/manager", "tigera/node",
          "tigera/node-windows", "tigera/prometheus", "tigera/third-party-cni-plugins"
        ],
      },
    ],
  },
];

/**
 * Each operator release and the Calico and Calico Enterprise releases it deploys (null: that build is no
 * release of the variant, e.g. `master` or `release-calient-v3.22` in its sources).
 */
export const operatorPatches: OperatorPatch[] = [
  ["v1.32.0", "v3.26.1", "v3.18.0-2.0"],
  ["v1.32.1", "v3.26.1", "v3.18.0-2.0"],
  ["v1.32.2", "v3.26.1", "v3.18.0-2.0"],
  ["v1.32.3", "v3.27.0", "v3.18.0-2.0"],
  ["v1.32.4", "v3.27.0", "v3.18.1"],
  ["v1.32.5", "v3.27.2", "v3.18.1"],
  ["v1.32.6", "v3.27.2", "v3.18.2"],
  ["v1.32.7", "v3.27.3", "v3.18.2"],
  ["v1.32.8", "v3.27.3", "v3.18.3"],
  ["v1.32.9", "v3.27.3", "v3.18.4"],
  ["v1.32.10", "v3.27.4", "v3.18.4"],
  ["v1.32.11", "v3.27.4", "v3.18.5"],
  ["v1.32.12", "v3.27.5", "v3.18.5"],
  ["v1.32.13", "v3.27.5", "v3.18.6"],
  ["v1.33.0", "v3.27.0", "v3.19.0-1.0"],
  ["v1.34.0", "v3.28.0", "v3.19.0-2.0"],
  ["v1.34.1", "v3.28.0", "v3.19.1"],
  ["v1.34.2", "v3.28.0", "v3.19.1"],
  ["v1.34.3", "v3.28.1", "v3.19.1"],
  ["v1.34.4", "v3.28.1", "v3.19.2"],
  ["v1.34.5", "v3.28.2", "v3.19.2"],
  ["v1.34.6", "v3.28.2", "v3.19.3"],
  ["v1.34.7", "v3.28.2", "v3.19.4"],
  ["v1.34.8", "v3.28.3", "v3.19.4"],
  ["v1.34.9", "v3.28.3", "v3.19.5"],
  ["v1.34.10", "v3.28.4", "v3.19.5"],
  ["v1.34.11", "v3.28.4", "v3.19.6"],
  ["v1.34.12", "v3.28.4", "v3.19.7"],
  ["v1.34.13", "v3.28.5", "v3.19.7"],
  ["v1.34.14", "v3.28.5", "v3.19.8"],
  ["v1.35.0", "v3.28.1", "v3.20.0-1.0"],
  ["v1.35.1", "v3.28.1", "v3.20.0-1.0"],
  ["v1.35.2", "v3.28.1", "v3.20.0-1.0"],
  ["v1.35.3", "v3.28.1", "v3.20.0-1.0"],
  ["v1.36.0", "v3.29.0", null],
  ["v1.36.1", "v3.29.0", "v3.20.0-2.0"],
  ["v1.36.1.1", "v3.29.0", "v3.20.0-2.0"],
  ["v1.36.2", "v3.29.1", "v3.20.0-2.0"],
  ["v1.36.3", "v3.29.1", "v3.20.0-2.2"],
  ["v1.36.4", "v3.29.1", "v3.20.1"],
  ["v1.36.5", "v3.29.2", "v3.20.1"],
  ["v1.36.6", "v3.29.2", "v3.20.2"],
  ["v1.36.7", "v3.29.3", "v3.20.2"],
  ["v1.36.8", "v3.29.3", "v3.20.3"],
  ["v1.36.9", "v3.29.4", "v3.20.3"],
  ["v1.36.10", "v3.29.4", "v3.20.4"],
  ["v1.36.10.1", "v3.29.4", "v3.20.4"],
  ["v1.36.11", "v3.29.4", "v3.20.5"],
  ["v1.36.12", "v3.29.5", "v3.20.5"],
  ["v1.36.13", "v3.29.5", "v3.20.6"],
  ["v1.36.14", "v3.29.6", "v3.20.6"],
  ["v1.36.15", "v3.29.6", "v3.20.7"],
  ["v1.36.16", "v3.29.7", "v3.20.7"],
  ["v1.37.0", "v3.29.1", "v3.21.0-1.0"],
  ["v1.37.1", "v3.29.2", "v3.21.0-1.0"],
  ["v1.37.2", "v3.29.2", "v3.21.0-1.2"],
  ["v1.38.0", "v3.30.0", null],
  ["v1.38.1", "v3.30.1", null],
  ["v1.38.2", "v3.30.1", "v3.21.0-2.0"],
  ["v1.38.3", "v3.30.2", "v3.21.0-2.0"],
  ["v1.38.4", "v3.30.2", "v3.21.1"],
  ["v1.38.5", "v3.30.2", "v3.21.2"],
  ["v1.38.6", "v3.30.3", "v3.21.2"],
  ["v1.38.7", "v3.30.4", "v3.21.2"],
  ["v1.38.8", "v3.30.4", "v3.21.3"],
  ["v1.38.9", "v3.30.5", "v3.21.4"],
  ["v1.38.10", "v3.30.5", "v3.21.5"],
  ["v1.38.11", "v3.30.6", "v3.21.5"],
  ["v1.38.12", "v3.30.6", "v3.21.6"],
  ["v1.38.13", "v3.30.7", "v3.21.6"],
  ["v1.38.14", "v3.30.7", "v3.21.7"],
  ["v1.38.15", "v3.30.7", "v3.21.8"],
  ["v1.38.16", "v3.30.7", "v3.21.9"],
  ["v1.39.0", "v3.30.2", "v3.22.0-1.0"],
  ["v1.39.1", "v3.30.2", "v3.22.0-1.0"],
  ["v1.39.2", "v3.30.2", "v3.22.0-1.0"],
  ["v1.39.3", "v3.30.2", "v3.22.0-1.0"],
  ["v1.40.0", "v3.31.0", null],
  ["v1.40.1", "v3.31.1", "v3.22.0-2.0"],
  ["v1.40.2", "v3.31.2", "v3.22.0-2.0"],
  ["v1.40.3", "v3.31.3", null],
  ["v1.40.4", "v3.31.3", "v3.22.0-3.0"],
  ["v1.40.5", "v3.31.3", "v3.22.1"],
  ["v1.40.6", "v3.31.3", "v3.22.2"],
  ["v1.40.7", "v3.31.4", "v3.22.2"],
  ["v1.40.8", "v3.31.5", "v3.22.2"],
  ["v1.40.9", "v3.31.5", "v3.22.3"],
  ["v1.40.10", "v3.31.5", "v3.22.4"],
  ["v1.40.11", "v3.31.5", "v3.22.5"],
  ["v1.40.12", "v3.31.5", "v3.22.6"],
  ["v1.40.13", "v3.31.6", "v3.22.6"],
  ["v1.40.14", "v3.31.6", "v3.22.7"],
  ["v1.40.15", "v3.31.7", "v3.22.7"],
  ["v1.41.0", null, "v3.23.0-1.0"],
  ["v1.41.1", "v3.31.3", "v3.23.0-1.0"],
  ["v1.42.0", "v3.32.0", null],
  ["v1.42.1", "v3.32.0", "v3.23.0-2.0"],
  ["v1.42.2", "v3.32.0", "v3.23.0-2.0"],
  ["v1.42.3", "v3.32.1", "v3.23.0-2.0"],
  ["v1.42.4", "v3.32.1", "v3.23.1"],
  ["v1.43.0", "v3.32.0", "v3.24.0-1.0"],
];
