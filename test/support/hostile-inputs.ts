// Generators of the hostile inputs of issue 18, kept in the suite so every check keeps running on the
// same shapes that once took lint and pin past seconds and gigabytes. Sizes are parameters: the
// integration tests use the sizes, unit tests smaller ones.

const MiB = 1024 * 1024;

/** A one-line YAML flow sequence of about `bytes` bytes under `image:` (`[a, a, a, …]`). */
export function flowSequence(bytes: number): string {
  return `image: [${"a, ".repeat(Math.floor(bytes / 3))}a]\n`;
}

/** One anchor and about `bytes / 4` aliases of it (`b: [*a, *a, …]`). */
export function manyAliases(bytes: number): string {
  return `a: &a x\nb: [${"*a, ".repeat(Math.floor(bytes / 4))}*a]\n`;
}

/** `count` tiny documents (`a: 1` / `---`), about 9 bytes each. */
export function manyDocuments(count: number): string {
  return "a: 1\n---\n".repeat(count);
}

/** A flow sequence nested `depth` levels (`a: [[[…]]]`). */
export function deepFlow(depth: number): string {
  return `a: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
}

/** Block maps nested `depth` levels, each key one column further in. */
export function deepBlock(depth: number): string {
  return `${Array.from({ length: depth }, (_, level) => `${" ".repeat(level)}k:`).join("\n")} v\n`;
}

/** A Dockerfile whose FROM line is about `bytes` bytes long. */
export function longDockerfileLine(bytes: number): string {
  return `FROM nginx:${"a".repeat(bytes)}\n`;
}

/** A Pod with one unpinned image, to show a file's other documents are still read. */
export const podDocument =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: nginx:1.25\n";

export { MiB };
