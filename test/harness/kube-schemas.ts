// Kubernetes objects checked against the API's own OpenAPI schemas, as published in the npm packages
// kubernetes-models (built-in kinds) and @kubernetes-models/cert-manager (Issuer, Certificate).
//
// Two checks, because the packages' compiled validators accept unknown fields (the OpenAPI schemas of
// Kubernetes do not say additionalProperties: false, and the API server prunes or, with
// fieldValidation=Strict, rejects them):
// 1. each model's validate(): required fields, types, formats (int32, …), enums;
// 2. unknown fields: every object is written into a TypeScript source as a literal of the package's
//    interface for its kind (IDeployment, ICertificate, …), and the compiler's excess-property check
//    reports any field the schema does not have, at its path.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

type KubeObject = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };

/** One problem of one object: `Deployment/imagepin-webhook: /spec/template/…: …`. */
export interface SchemaProblem {
  object: string;
  message: string;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The module of the kubernetes-models package that exports the model class of `apiVersion`/`kind`. */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "cert-manager.io") return `@kubernetes-models/cert-manager/cert-manager.io/${version}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

const describe = (object: KubeObject) => `${String(object.kind)}/${String(object.metadata?.name ?? "?")}`;

/**
 * Validates `objects` against the Kubernetes schemas; returns every problem (an empty list when all
 * hold). A kind neither package knows is a problem too, never a pass.
 */
export async function kubeSchemaProblems(objects: KubeObject[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  const typed: { object: KubeObject; module: string }[] = [];
  for (const object of objects) {
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      problems.push({ object: describe(object), message: "no apiVersion or kind" });
      continue;
    }
    const module = modelModule(object.apiVersion, object.kind);
    let exports: Record<string, new (data: unknown) => { validate(): void }>;
    try {
      exports = (await import(module)) as typeof exports;
    } catch {
      problems.push({
        object: describe(object),
        message: `no schema for ${object.apiVersion} ${object.kind} (${module})`,
      });
      continue;
    }
    const Model = exports[object.kind];
    if (!Model) throw new Error(`${module} does not export ${object.kind}`);
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push({ object: describe(object), message: (error as Error).message });
    }
    typed.push({ object, module });
  }
  problems.push(...unknownFieldProblems(typed));
  return problems;
}

/** Asserts that {@link kubeSchemaProblems} finds nothing, listing what it found. */
export async function expectValidKubeObjects(objects: KubeObject[]): Promise<void> {
  const problems = await kubeSchemaProblems(objects);
  if (problems.length > 0)
    throw new Error(
      `objects do not match the Kubernetes schemas:\n${problems.map((p) => `  ${p.object}: ${p.message}`).join("\n")}`,
    );
}

function unknownFieldProblems(typed: { object: KubeObject; module: string }[]): SchemaProblem[] {
  if (typed.length === 0) return [];
  const fileName = `${repoRoot}test/.kube-schema-check.ts`;
  const lines = typed.map(
    ({ object, module }, index) =>
      `import type { I${String(object.kind)} as T${index} } from ${JSON.stringify(module)};\nexport const o${index}: T${index} = ${JSON.stringify(object, null, 1)};`,
  );
  const source = lines.join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) =>
    name === fileName
      ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true)
      : getSourceFile(name, version, onError);
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === fileName);
  return diagnostics.map((diagnostic) => {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : 0;
    const index = objectIndexAt(source, line);
    const entry = typed[index];
    return {
      object: entry ? describe(entry.object) : "?",
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, " "),
    };
  });
}

/** Which `export const oN` a line of the generated source belongs to. */
function objectIndexAt(source: string, line: number): number {
  const before = source.split("\n").slice(0, line + 1);
  for (let i = before.length - 1; i >= 0; i--) {
    const match = /^export const o(\d+):/.exec(before[i] ?? "");
    if (match) return Number(match[1]);
  }
  return -1;
}

/** Reads a package's version, for messages that say which schemas were used. */
export function schemaPackageVersion(name: string): string {
  return (JSON.parse(readFileSync(`${repoRoot}node_modules/${name}/package.json`, "utf8")) as { version: string })
    .version;
}
