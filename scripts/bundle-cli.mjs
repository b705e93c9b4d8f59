// Bundles the command line (src/cli/bin.ts) with esbuild into dist/cli/bin.js and its chunks, after tsc
// has built dist/. Why (issue 16): on Node 20, which has no module compile cache, start-up is dominated by
// loading files: ~50 of our ES modules and the ~60 CommonJS files of yaml, commander, jsonc-parser and
// diff. One entry and a chunk per command cut `lint` of a small file from 2.4x to ~1.6x of `node -e 0`
// and `parse` from 1.4x to ~1.25x (CPU time, bench/startup.bench.mjs).
// - Each command stays a chunk of its own, loaded on demand (code splitting), as src/cli/registry.ts asks.
// - Dependencies with native code, heavy optional paths or their own lazy loading stay external and are
//   required from node_modules as before: undici, pino, prom-client, better-sqlite3, ioredis,
//   @kubernetes/client-node, node-forge. package.json's dependencies are unchanged, so `npm pack` and
//   `npm install` give the same package; the library entry (dist/index.js) is tsc's output, untouched.
// - Source maps are inline and only read under --debug (bin.ts turns them on before loading the rest), so
//   stack traces name src/**/*.ts lines without shipping another file.
// - The version is read from package.json at bundle time: the chunks no longer sit where version.ts's
//   relative path to package.json points.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const external = [
  "undici",
  "pino",
  "prom-client",
  "better-sqlite3",
  "ioredis",
  "@kubernetes/client-node",
  "node-forge",
];

/** Serves src/version.ts with the version written in, instead of a read relative to the module's URL. */
const versionAtBuildTime = {
  name: "imagepin-version",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      loader: "ts",
      contents: `export function imagepinVersion(): string { return ${JSON.stringify(manifest.version)}; }
export function userAgent(): string { return \`imagepin/\${imagepinVersion()}\`; }`,
    }));
  },
};

rmSync(new URL("dist/cli/chunks", root), { recursive: true, force: true });
await build({
  absWorkingDir: new URL(".", root).pathname,
  entryPoints: { bin: "src/cli/bin.ts" },
  outdir: "dist/cli",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // jsonc-parser's "main" is a UMD build whose inner requires a bundler cannot follow; its ESM build can.
  mainFields: ["module", "main"],
  external,
  sourcemap: "inline",
  sourcesContent: false,
  // Bundled CommonJS (yaml, commander) may call require() for Node built-ins.
  banner: {
    js: "import { createRequire as imagepinCreateRequire } from 'node:module'; const require = imagepinCreateRequire(import.meta.url);",
  },
  plugins: [versionAtBuildTime],
  logLevel: "warning",
});
