import { ImagepinError, type ImagepinErrorOptions } from "../errors.js";

/**
 * The stable codes {@link CredentialsError} carries:
 * - `config-not-found`: a docker config named explicitly (`--docker-config`) or a pull secret file is missing;
 * - `config-unreadable`: a credentials file exists but cannot be read;
 * - `invalid-config`: a docker config is not valid JSON or has a malformed entry (bad base64, wrong types);
 * - `invalid-pull-secret`: a Kubernetes Secret has the wrong type, lacks its key or holds a bad config;
 * - `credential-helper-failed`: `docker-credential-<name>` is missing, failed, timed out or answered garbage;
 * - `invalid-provider-config`: a kubelet CredentialProviderConfig is malformed or invalid (file:line:col);
 * - `credential-provider-failed`: a kubelet credential provider plugin failed, timed out, wrote too much
 *   or answered something the kubelet would refuse (the message names the provider and the image).
 */
export type CredentialsErrorCode =
  | "config-not-found"
  | "config-unreadable"
  | "invalid-config"
  | "invalid-pull-secret"
  | "credential-helper-failed"
  | "invalid-provider-config"
  | "credential-provider-failed";

/** An error finding, reading or using a credential source. Its message never holds a secret. */
export class CredentialsError extends ImagepinError {
  declare readonly code: CredentialsErrorCode;

  constructor(code: CredentialsErrorCode, message: string, options: ImagepinErrorOptions = {}) {
    super(code, message, options);
  }
}
