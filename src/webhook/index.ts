export {
  parseWebhookConfig,
  defaultWebhookConfig,
  type WebhookConfig,
  type FailurePolicy,
  type FailurePolicyRule,
} from "./config.js";
export {
  AdmissionReviewer,
  type ReviewerOptions,
  type ReviewAnswer,
  type EventSink,
  type FallbackEvent,
  type PodCredentials,
  type PodCredentialsLookup,
} from "./review.js";
export {
  parseAdmissionReview,
  admissionResponse,
  admissionVersions,
  BadReviewError,
  type AdmissionDecision,
  type AdmissionRequest,
  type AdmissionReviewRequest,
  type AdmissionVersion,
} from "./admission.js";
export { escapePointerToken, jsonPointer, type PatchOperation } from "./patch.js";
export { findImageSites, changedSites, workloadTemplatePaths, type ImageSite, type ImageSites } from "./pod.js";
export { isIncluded, failurePolicyFor, pinnedImage } from "./filters.js";
export { ReviewBudgets, fallbackReserveMs, answerMarginMs, type ReviewBudget } from "./budget.js";
export { WebhookMetrics, type ReviewOutcome, type ResolutionOutcome } from "./metrics.js";
export { startWebhookServer, type WebhookServer, type WebhookServerOptions } from "./server.js";
export { loadTls, watchTls, type TlsFiles } from "./tls.js";
export { serveWebhook, runWebhook, type ServeWebhookOptions, type RunWebhookOptions } from "./serve.js";
export {
  inClusterKube,
  podCredentialsLookup,
  kubeEventSink,
  eventObject,
  type KubeReader,
  type KubeEventWriter,
  type PodCredentialsLookupOptions,
  type KubeEventSinkOptions,
} from "./kube.js";
export { installManifests, installObjects, type InstallOptions, type InstallTls } from "./install/manifests.js";
export {
  generateServingCertificates,
  issueServingCertificate,
  servingCertificateProblem,
  defaultServingDays,
  type ServingCertificates,
  type CertificateOptions,
  type CertificateCheckOptions,
} from "./install/certs.js";
export {
  selfSignedCertificates,
  serviceDnsNames,
  certificateFiles,
  type CertificateDirectory,
} from "./install/cert-dir.js";
