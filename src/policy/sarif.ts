import { relative, sep } from "node:path";
import { docsBaseUri } from "./rules.js";
import type { Finding, RuleDescription } from "./types.js";

/** The schema URI code-scanning services expect in `$schema`. */
export const sarifSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * A SARIF 2.1.0 log with one run: the rules used, one result per finding with its physical location.
 * File paths are made relative to the working directory (code-scanning resolves them against the
 * repository root) and written as URI references.
 */
export function sarifLog(
  findings: Finding[],
  rules: RuleDescription[],
  toolVersion: string,
  cwd = process.cwd(),
): object {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: sarifSchemaUri,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "imagepin",
            version: toolVersion,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.help },
              helpUri: docsBaseUri + rule.docs,
              defaultConfiguration: { level: rule.severity },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
          level: finding.severity,
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(finding.file, cwd) },
                region: { startLine: finding.line, startColumn: finding.column },
              },
            },
          ],
          ...(finding.image
            ? {
                properties: {
                  image: finding.image,
                  kind: finding.kind,
                  namespace: finding.namespace,
                  name: finding.name,
                  container: finding.container,
                },
              }
            : {}),
        })),
      },
    ],
  };
}

function artifactUri(file: string, cwd: string): string {
  if (file === "-") return "stdin";
  const path = relative(cwd, file).split(sep).join("/");
  return encodeURI(path.startsWith("../") ? file.split(sep).join("/") : path);
}
