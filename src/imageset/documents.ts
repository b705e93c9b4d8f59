import { LineCounter, parseAllDocuments, type Document, type Node } from "yaml";

/** A multi-document YAML file parsed once, with a way to place any node at its line and column. */
export interface ParsedFile {
  documents: Document.Parsed[];
  /** YAML syntax errors, each with its position. */
  errors: { message: string; line: number; column: number }[];
  /** Line and column (1-based) of a node; empty when it has no range. */
  at(node: Node | null | undefined): { line?: number; column?: number };
}

/** Parses every document of a YAML file (`---` separated), keeping positions. */
export function parseYamlFile(text: string): ParsedFile {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const errors = list.flatMap((document) =>
    document.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { message: error.message.split("\n")[0]!, line, column: col };
    }),
  );
  return {
    documents: list,
    errors,
    at(node) {
      if (!node?.range) return {};
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    },
  };
}

/** The documents of a kind (and, when given, apiVersion) as plain values with their root nodes. */
export function documentsOfKind(
  file: ParsedFile,
  kind: string,
  apiVersion?: string,
): { value: Record<string, unknown>; document: Document.Parsed }[] {
  return file.documents
    .map((document) => ({ value: document.toJS() as unknown, document }))
    .filter((entry): entry is { value: Record<string, unknown>; document: Document.Parsed } => {
      const value = entry.value as { kind?: unknown; apiVersion?: unknown } | null;
      return (
        typeof value === "object" &&
        value !== null &&
        value.kind === kind &&
        (apiVersion === undefined || value.apiVersion === apiVersion)
      );
    });
}
