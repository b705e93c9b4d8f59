import { parseReference, type ImageReference } from "../reference/index.js";
import { documentsOfKind, parseYamlFile, type ParsedFile } from "./documents.js";
import { ImageSetError } from "./errors.js";
import type { PullSettings } from "./pull-reference.js";
import type { Variant } from "./releases.js";

/** What an Installation says about where images come from and which variant runs. */
export interface InstallationSettings extends PullSettings {
  /** Undefined when the Installation leaves `spec.variant` out (the operator then runs Calico). */
  variant?: Variant;
  /** The Installation's `metadata.name` (`default`). */
  name: string;
}

/** The operator image of a tigera-operator manifest, and the release its tag names. */
export interface OperatorImage {
  image: string;
  /** `v1.42.4`; undefined when the image has no tag (a digest alone). */
  version?: string;
  line?: number;
}

function syntaxCheck(file: ParsedFile, path: string): void {
  const [first] = file.errors;
  if (first)
    throw new ImageSetError("invalid-installation", `not valid YAML: ${first.message}`, {
      location: { file: path, line: first.line, column: first.column },
    });
}

const stringField = (spec: Record<string, unknown>, key: string, path: string): string | undefined => {
  const value = spec[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new ImageSetError(
      "invalid-installation",
      `${path}: spec.${key} must be a string, not ${JSON.stringify(value)}`,
    );
  return value;
};

/**
 * Reads `spec.registry`, `spec.imagePath`, `spec.imagePrefix` and `spec.variant` from the Installation
 * in a (multi-document) YAML file such as the `custom-resources.yaml` users apply: the one named
 * `default` when there are several, as the operator reads it.
 *
 * @throws ImageSetError `invalid-installation` (not YAML, a field of the wrong type, an unknown
 *   variant), `no-installation` (no `operator.tigera.io/v1` Installation in the file).
 */
export function readInstallation(text: string, path: string): InstallationSettings {
  const file = parseYamlFile(text);
  syntaxCheck(file, path);
  const installations = documentsOfKind(file, "Installation", "operator.tigera.io/v1").map(
    ({ value }) => value as { metadata?: { name?: unknown }; spec?: unknown },
  );
  const installation = installations.find((candidate) => candidate.metadata?.name === "default") ?? installations[0];
  if (!installation) {
    throw new ImageSetError("no-installation", `${path} holds no Installation (apiVersion operator.tigera.io/v1)`, {
      hint: "give the custom-resources.yaml that holds your Installation, or --registry, --image-path and --image-prefix",
    });
  }
  const spec = (typeof installation.spec === "object" && installation.spec !== null ? installation.spec : {}) as Record<
    string,
    unknown
  >;
  const variantText = stringField(spec, "variant", path);
  if (variantText !== undefined && variantText !== "Calico" && variantText !== "TigeraSecureEnterprise") {
    throw new ImageSetError(
      "invalid-installation",
      `${path}: spec.variant must be Calico or TigeraSecureEnterprise, not ${JSON.stringify(variantText)}`,
    );
  }
  return {
    name: typeof installation.metadata?.name === "string" ? installation.metadata.name : "default",
    registry: stringField(spec, "registry", path),
    imagePath: stringField(spec, "imagePath", path),
    imagePrefix: stringField(spec, "imagePrefix", path),
    variant: variantText === undefined ? undefined : variantText === "TigeraSecureEnterprise" ? "enterprise" : "calico",
  };
}

/**
 * Finds the operator's image in a tigera-operator manifest: the container of a Deployment whose image
 * is a `tigera/operator` repository (at any registry or mirror path).
 *
 * @throws ImageSetError `invalid-installation` (not YAML), `no-operator-deployment` (no such container).
 */
export function readOperatorImage(text: string, path: string): OperatorImage {
  const file = parseYamlFile(text);
  syntaxCheck(file, path);
  for (const { document, value } of documentsOfKind(file, "Deployment")) {
    const operatorDeployment = (value.metadata as { name?: unknown } | undefined)?.name === "tigera-operator";
    const containers = document.getIn(["spec", "template", "spec", "containers"], true) as
      { items?: unknown[] } | undefined;
    for (const container of containers?.items ?? []) {
      const node = (container as { get?: (key: string, keepNode: true) => unknown }).get?.("image", true) as
        { value?: unknown; range?: [number, number, number] } | undefined;
      const reference = typeof node?.value === "string" ? tryParse(node.value) : undefined;
      if (!reference) continue;
      // quay.io/tigera/operator, or a mirror's copy that may rename it (`…/calico-operator` with an imagePrefix).
      const isOperator =
        reference.path.endsWith("tigera/operator") || (operatorDeployment && reference.path.endsWith("operator"));
      if (isOperator)
        return { image: node!.value as string, version: reference.tag, line: file.at(node as never).line };
    }
  }
  throw new ImageSetError("no-operator-deployment", `${path} holds no Deployment running a tigera/operator image`, {
    hint: "give the tigera-operator.yaml manifest you apply, or --version",
  });
}

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}
