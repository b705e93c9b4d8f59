import { stringify } from "yaml";
import { ImagepinError } from "../../errors.js";
import type { ServingCertificates } from "./certs.js";
import { serviceDnsNames } from "./cert-dir.js";

/** How the serving certificate is provided. */
export type InstallTls = { mode: "cert-manager" } | { mode: "self-signed"; certificates: ServingCertificates };

/** Options of {@link installManifests}; everything but `tls` and `image` has a default. */
export interface InstallOptions {
  tls: InstallTls;
  /** The webhook image (built from the repository's Dockerfile). */
  image: string;
  /** Default `imagepin-system`. */
  namespace?: string;
  /** Name of the Deployment, Service, ServiceAccount, …; default `imagepin-webhook`. */
  name?: string;
  /** Default 2. */
  replicas?: number;
  /** Namespaces whose Pods are pinned carry this label; default `digest-resolution=enabled`. */
  namespaceLabel?: { key: string; value: string };
  /** Read Pods' pull secrets from the API (adds `get` on secrets and serviceaccounts); default false. */
  pullSecrets?: boolean;
  /** Record fallback Events (adds `create` on events); default true. */
  events?: boolean;
  /** Also pin pod templates of workloads (adds their rules); default false. */
  mutateWorkloads?: boolean;
  /** Also handle `pods/ephemeralcontainers`; default false. */
  ephemeralContainers?: boolean;
  /** `--store` of the server; default SQLite on the Pod's emptyDir (`sqlite:///var/lib/imagepin/digests.db`). Never with a password in it. */
  store?: string;
  /**
   * Kubelet credential providers (issue 14): the CredentialProviderConfig text goes into the ConfigMap,
   * and the nodes' plugin directory `binDir` is mounted read-only from the host at the same path.
   */
  credentialProvider?: { config: string; binDir: string };
  /** The Secret key holding the Redis password, passed to the server as `IMAGEPIN_STORE_PASSWORD` (never in args). */
  storePasswordSecret?: { name: string; key: string };
  /** Also install a ValidatingWebhookConfiguration for `/validate` (`failurePolicy: Fail`) in namespaces with this label too; default none. */
  enforceLabel?: { key: string; value: string };
}

/** The environment variable `webhook serve` reads a Redis password from (a Secret's key, in the Deployment). */
export const storePasswordEnv = "IMAGEPIN_STORE_PASSWORD";

/**
 * Seconds the server keeps answering after SIGTERM (with /readyz 503), so the Pod is out of the Service's
 * endpoints before it stops accepting: the API server's endpoint watch lags the kubelet's signal.
 */
export const shutdownDelaySeconds = 5;

/** Grace period of the Pod: the shutdown delay, the longest review (webhook timeoutSeconds 15) and a margin. */
const terminationGraceSeconds = 30;

const defaultLabel = { key: "digest-resolution", value: "enabled" };

/**
 * No anchors and aliases: the objects share label maps, which yaml would otherwise print once as
 * `&a1` and then as `*a1`. Plain YAML is what people read, diff and feed to tools that do not follow aliases.
 */
const plainYaml = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/**
 * Everything needed to install the webhook, as one multi-document YAML stream: Namespace,
 * ServiceAccount, RBAC (only what the enabled features need), ConfigMap, Deployment (non-root,
 * read-only root file system, probes, resources, anti-affinity), Service, PodDisruptionBudget, the TLS
 * objects (cert-manager Issuers and Certificates, or a Secret from generated certificates), and the
 * MutatingWebhookConfiguration (pods CREATE/UPDATE, failurePolicy Ignore, reinvocationPolicy IfNeeded,
 * sideEffects None, timeoutSeconds 15, admissionReviewVersions [v1], namespaceSelector on the label),
 * and with `enforceLabel` a ValidatingWebhookConfiguration for `/validate` (failurePolicy Fail).
 *
 * @throws ImagepinError `invalid-option` for a name or label that Kubernetes would reject, or a `store`
 *   URL with a password in it (it would be readable in the Deployment's args).
 */
export function installManifests(options: InstallOptions): string {
  return installObjects(options)
    .map((object) => stringify(object, plainYaml))
    .map((text) => `---\n${text}`)
    .join("");
}

/** The objects of {@link installManifests}, in apply order. */
export function installObjects(options: InstallOptions): Record<string, unknown>[] {
  const namespace = options.namespace ?? "imagepin-system";
  const name = options.name ?? "imagepin-webhook";
  const label = options.namespaceLabel ?? defaultLabel;
  const events = options.events ?? true;
  const pullSecrets = options.pullSecrets ?? false;
  for (const [what, value] of [
    ["namespace", namespace],
    ["name", name],
  ] as const) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value))
      throw new ImagepinError("invalid-option", `${what} ${JSON.stringify(value)} is not a valid Kubernetes name`);
  }
  for (const each of [label, ...(options.enforceLabel ? [options.enforceLabel] : [])]) checkLabel(each);
  checkStore(options.store);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "imagepin" };
  const meta = (objectName: string, extra: Record<string, unknown> = {}) => ({
    name: objectName,
    namespace,
    labels,
    ...extra,
  });
  const tlsSecret = `${name}-tls`;
  const dnsNames = serviceDnsNames(name, namespace);
  const store = options.store ?? "sqlite:///var/lib/imagepin/digests.db";
  const config = {
    pullSecrets,
    events,
    mutateWorkloads: options.mutateWorkloads ?? false,
    excludedNamespaces: ["kube-system", namespace],
  };

  const objects: Record<string, unknown>[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: meta(name),
      automountServiceAccountToken: events || pullSecrets,
    },
  ];
  const rules: Record<string, unknown>[] = [];
  // `get` on named objects only: no list or watch of every Secret in the cluster (issue 5).
  if (pullSecrets) rules.push({ apiGroups: [""], resources: ["secrets", "serviceaccounts"], verbs: ["get"] });
  // Events are only created (one per namespace and reference a minute), never patched or updated.
  if (events) rules.push({ apiGroups: [""], resources: ["events"], verbs: ["create"] });
  if (rules.length > 0) {
    objects.push(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name, labels }, rules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "ServiceAccount", name, namespace }],
      },
    );
  }
  const providers = options.credentialProvider;
  if (providers)
    Object.assign(config, {
      credentialProviderConfig: "/etc/imagepin/config/credential-providers.yaml",
      credentialProviderBinDir: providers.binDir,
    });
  objects.push({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(`${name}-config`),
    data: {
      "config.yaml": stringify(config, plainYaml),
      ...(providers ? { "credential-providers.yaml": providers.config } : {}),
    },
  });
  objects.push(...tlsObjects(options.tls, name, namespace, tlsSecret, dnsNames, meta));
  objects.push(deployment(options, name, namespace, labels, tlsSecret, store), {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name),
    spec: {
      selector: { "app.kubernetes.io/name": name },
      ports: [{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }],
    },
  });
  objects.push({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(name),
    spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": name } } },
  });
  objects.push(webhookConfiguration(options, name, namespace, label, labels));
  if (options.enforceLabel)
    objects.push(validatingConfiguration(options, name, namespace, label, options.enforceLabel, labels));
  return objects;
}

function checkLabel(label: { key: string; value: string }): void {
  if (
    !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(label.key) ||
    !/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(label.value)
  ) {
    throw new ImagepinError(
      "invalid-option",
      `namespace label ${label.key}=${label.value} is not a valid Kubernetes label`,
    );
  }
}

function checkStore(store: string | undefined): void {
  let password = "";
  try {
    password = store && /^rediss?:/.test(store) ? new URL(store).password : "";
  } catch {
    // A URL that does not parse is the server's to reject at start, with its own message.
  }
  if (password) {
    throw new ImagepinError(
      "invalid-option",
      "--store has a password in it, which would be readable in the Deployment's args",
      {
        hint: "put the password in a Secret and pass --store-password-secret NAME[:KEY]; the server reads it from IMAGEPIN_STORE_PASSWORD",
      },
    );
  }
}

function tlsObjects(
  tls: InstallTls,
  name: string,
  namespace: string,
  secret: string,
  dnsNames: string[],
  meta: (n: string, extra?: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown>[] {
  if (tls.mode === "self-signed") {
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    return [
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/tls",
        metadata: meta(secret),
        data: {
          "tls.crt": b64(tls.certificates.cert),
          "tls.key": b64(tls.certificates.key),
          "ca.crt": b64(tls.certificates.caCert),
        },
      },
    ];
  }
  // A self-signed bootstrap Issuer makes a CA, and a CA Issuer signs the serving certificate, so the
  // serving certificate can rotate while the caBundle (injected by cert-manager's cainjector) stays.
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: meta(`${name}-selfsigned`),
      spec: { selfSigned: {} },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: meta(`${name}-ca`),
      spec: {
        isCA: true,
        commonName: `${name}-ca`,
        secretName: `${name}-ca`,
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: `${name}-selfsigned`, kind: "Issuer" },
      },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: meta(`${name}-ca`),
      spec: { ca: { secretName: `${name}-ca` } },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: meta(name),
      spec: {
        secretName: secret,
        dnsNames,
        duration: "2160h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["server auth", "digital signature", "key encipherment"],
        issuerRef: { name: `${name}-ca`, kind: "Issuer" },
      },
    },
  ];
}

function deployment(
  options: InstallOptions,
  name: string,
  namespace: string,
  labels: Record<string, string>,
  tlsSecret: string,
  store: string,
): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: (options.events ?? true) || (options.pullSecrets ?? false),
          // Above the shutdown delay plus the longest review, so in-flight reviews finish on SIGTERM.
          terminationGracePeriodSeconds: terminationGraceSeconds,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": name } },
                  },
                },
              ],
            },
          },
          containers: [webhookContainer(options, store)],
          volumes: [
            { name: "tls", secret: { secretName: tlsSecret } },
            { name: "config", configMap: { name: `${name}-config` } },
            { name: "data", emptyDir: {} },
            ...(options.credentialProvider
              ? [
                  {
                    name: "credential-provider-bin",
                    hostPath: { path: options.credentialProvider.binDir, type: "Directory" },
                  },
                ]
              : []),
            // The root file system is read-only; SQLite puts its temporary files (large sorts, vacuum) in /tmp.
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}

/** The server's container: `webhook serve` with the mounted TLS files, config and store, and nothing secret in its args. */
function webhookContainer(options: InstallOptions, store: string): Record<string, unknown> {
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: "https", scheme: "HTTPS" },
    periodSeconds: period,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  const env: Record<string, unknown>[] = [
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  ];
  if (options.storePasswordSecret)
    env.push({
      name: storePasswordEnv,
      valueFrom: { secretKeyRef: { name: options.storePasswordSecret.name, key: options.storePasswordSecret.key } },
    });
  return {
    name: "webhook",
    image: options.image,
    imagePullPolicy: "IfNotPresent",
    args: [
      "webhook",
      "serve",
      "--listen",
      ":8443",
      "--tls-cert",
      "/etc/imagepin/tls/tls.crt",
      "--tls-key",
      "/etc/imagepin/tls/tls.key",
      "--config",
      "/etc/imagepin/config/config.yaml",
      "--store",
      store,
      "--shutdown-delay",
      String(shutdownDelaySeconds),
    ],
    env,
    ports: [{ name: "https", containerPort: 8443, protocol: "TCP" }],
    readinessProbe: probe("/readyz", 5),
    livenessProbe: probe("/healthz", 10),
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [
      { name: "tls", mountPath: "/etc/imagepin/tls", readOnly: true },
      { name: "config", mountPath: "/etc/imagepin/config", readOnly: true },
      { name: "data", mountPath: "/var/lib/imagepin" },
      { name: "tmp", mountPath: "/tmp" },
      ...(options.credentialProvider
        ? [{ name: "credential-provider-bin", mountPath: options.credentialProvider.binDir, readOnly: true }]
        : []),
    ],
  };
}

function clientConfig(options: InstallOptions, name: string, namespace: string, path: string): Record<string, unknown> {
  const selfSigned = options.tls.mode === "self-signed" ? options.tls.certificates : undefined;
  return {
    service: { name, namespace, path, port: 443 },
    ...(selfSigned ? { caBundle: Buffer.from(selfSigned.caCert).toString("base64") } : {}),
  };
}

function configurationMetadata(
  options: InstallOptions,
  name: string,
  namespace: string,
  labels: Record<string, string>,
): Record<string, unknown> {
  // cert-manager's cainjector fills caBundle from the serving Certificate's CA.
  return {
    name,
    labels,
    ...(options.tls.mode === "self-signed"
      ? {}
      : { annotations: { "cert-manager.io/inject-ca-from": `${namespace}/${name}` } }),
  };
}

function podRules(options: InstallOptions): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [
    {
      apiGroups: [""],
      apiVersions: ["v1"],
      operations: ["CREATE", "UPDATE"],
      resources: options.ephemeralContainers ? ["pods", "pods/ephemeralcontainers"] : ["pods"],
      scope: "Namespaced",
    },
  ];
  if (options.mutateWorkloads) {
    rules.push(
      {
        apiGroups: ["apps"],
        apiVersions: ["v1"],
        operations: ["CREATE", "UPDATE"],
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
        scope: "Namespaced",
      },
      {
        apiGroups: ["batch"],
        apiVersions: ["v1"],
        operations: ["CREATE", "UPDATE"],
        resources: ["jobs", "cronjobs"],
        scope: "Namespaced",
      },
    );
  }
  return rules;
}

function webhookConfiguration(
  options: InstallOptions,
  name: string,
  namespace: string,
  label: { key: string; value: string },
  labels: Record<string, string>,
): Record<string, unknown> {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: configurationMetadata(options, name, namespace, labels),
    webhooks: [
      {
        name: "pin.imagepin.io",
        admissionReviewVersions: ["v1"],
        clientConfig: clientConfig(options, name, namespace, "/mutate"),
        rules: podRules(options),
        failurePolicy: "Ignore",
        matchPolicy: "Equivalent",
        reinvocationPolicy: "IfNeeded",
        sideEffects: "None",
        timeoutSeconds: 15,
        namespaceSelector: { matchLabels: { [label.key]: label.value } },
      },
    ],
  };
}

/**
 * The enforcement half (`--validate`): after every mutating webhook has run, deny Pods whose images are
 * still not pinned, naming them, as Kyverno's verifyDigest does. `failurePolicy: Fail`, so only in
 * namespaces that carry both the opt-in label and the enforce label: there a webhook outage blocks Pods.
 */
function validatingConfiguration(
  options: InstallOptions,
  name: string,
  namespace: string,
  label: { key: string; value: string },
  enforce: { key: string; value: string },
  labels: Record<string, string>,
): Record<string, unknown> {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: configurationMetadata(options, name, namespace, labels),
    webhooks: [
      {
        name: "verify.imagepin.io",
        admissionReviewVersions: ["v1"],
        clientConfig: clientConfig(options, name, namespace, "/validate"),
        rules: podRules(options),
        failurePolicy: "Fail",
        matchPolicy: "Equivalent",
        sideEffects: "None",
        timeoutSeconds: 10,
        namespaceSelector: { matchLabels: { [label.key]: label.value, [enforce.key]: enforce.value } },
      },
    ],
  };
}
