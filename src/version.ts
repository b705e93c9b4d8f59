import { readFileSync } from "node:fs";

let cached: string | undefined;

/** imagepin's version, read once from the package.json that ships beside `dist/`. */
export function imagepinVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}

/** The User-Agent imagepin sends to registries: `imagepin/<version>`. */
export function userAgent(): string {
  return `imagepin/${imagepinVersion()}`;
}
