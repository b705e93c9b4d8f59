import type { Command } from "commander";
import { createKeychain, describeCandidates, type CandidateDescription } from "../../credentials/index.js";
import { UsageError } from "../../errors.js";
import { ImageReference, tryParseReference } from "../../reference/index.js";
import { readReferenceArguments } from "../input.js";
import { collect, out } from "../output.js";

interface WhichFlags {
  json?: boolean;
  dockerConfig?: string;
  pullSecret?: string[];
  credentialProviderConfig?: string;
  credentialProviderBinDir?: string;
}

/** `imagepin auth which IMAGE...`: show which credentials would be tried for each image, never a secret. */
export function register(program: Command): void {
  const auth = program.command("auth").description("inspect registry credentials");
  auth
    .command("which")
    .description("show, for each image, the credentials that would be tried, in order (never a password or token)")
    .argument("<image...>", "image references; - reads them from standard input, one per line")
    .option("--json", "print one JSON object per image")
    .option(
      "--docker-config <path>",
      "docker config file, or a directory holding config.json (instead of $DOCKER_CONFIG and ~/.docker)",
    )
    .option("--pull-secret <file>", "Kubernetes pull secret file (YAML or JSON); repeatable, tried in order", collect)
    .option(
      "--credential-provider-config <path>",
      "kubelet CredentialProviderConfig file (or directory): list its matching providers",
    )
    .option(
      "--credential-provider-bin-dir <dir>",
      "directory of the credential provider plugins (needed with --credential-provider-config)",
    )
    .addHelpText(
      "after",
      `
Sources, in the order they are tried: --pull-secret files (each secret in file order), then one docker
config: --docker-config, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json; then the
containers auth files ($REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json and
~/.config/containers/auth.json); then kubelet credential providers (credential-provider:NAME, key =
the matchImages pattern). Within a source, more specific keys come first; in a docker config,
credHelpers before auths before credsStore. Credential helpers and providers are run to show their
user name; one with nothing for the registry is left out.

Output:
  text: the image, then one line per candidate: source, key, user
  json: {"image","candidates":[{"source","key","username"}]}

Exit status: 0; 2 when an image is invalid or a credentials file is missing or malformed.`,
    )
    .action(async (images: string[], flags: WhichFlags) => {
      const inputs = await readReferenceArguments(images);
      const references = inputs.map((input) => {
        const result = tryParseReference(input);
        if (!(result instanceof ImageReference)) throw new UsageError(result.message);
        return result;
      });
      const keychain = await createKeychain({
        pullSecretFiles: flags.pullSecret ?? [],
        dockerConfigPath: flags.dockerConfig,
        env: process.env,
        credentialProviderConfig: flags.credentialProviderConfig,
        credentialProviderBinDir: flags.credentialProviderBinDir,
      });
      for (const [index, reference] of references.entries()) {
        const input = inputs[index] as string;
        const candidates = await describeCandidates(keychain, reference);
        if (flags.json) out(JSON.stringify({ image: input, candidates }));
        else renderText(input, reference, candidates);
      }
    });
}

function renderText(input: string, reference: ImageReference, candidates: CandidateDescription[]): void {
  out(input === reference.name || input === reference.normalized ? input : `${input} (${reference.name})`);
  if (candidates.length === 0) out("  no credentials match: anonymous access");
  for (const candidate of candidates) {
    const user = candidate.error ? `error: ${candidate.error.message}` : `user ${candidate.username ?? "(token)"}`;
    out(`  ${candidate.source}  key ${candidate.key}  ${user}`);
  }
}
