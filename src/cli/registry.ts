import type { Command } from "commander";

/** A top-level command: its name and summary are known up front, its code is loaded on demand. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Loads the module that adds the full command (options, subcommands, action) to the program. */
  load: () => Promise<{ register(program: Command): void }>;
}

/**
 * Every top-level command. Only the module of the command being run is imported, so `imagepin
 * parse` never pays for the registry client or the webhook server.
 */
export const commandTable: CommandEntry[] = [
  { name: "parse", summary: "parse and normalize image references", load: () => import("./commands/parse.js") },
  { name: "resolve", summary: "resolve image references to digests at their registries", load: () => import("./commands/resolve.js") },
  { name: "auth", summary: "show which registry credentials would be tried for an image", load: () => import("./commands/auth.js") },
  { name: "completion", summary: "print a shell completion script (bash, zsh, fish)", load: () => import("./commands/completion.js") },
  { name: "imageset", summary: "create and verify Calico operator ImageSets from the operator's image list", load: () => import("./commands/imageset.js") },
  { name: "lint", summary: "report images not pinned to a digest in manifests, Compose files and Dockerfiles", load: () => import("./commands/lint.js") },
  { name: "pin", summary: "pin images to registry digests in place, changing nothing else in the files", load: () => import("./commands/pin.js") },
  { name: "verify", summary: "check that pinned digests exist and whether their tags moved; --update follows them", load: () => import("./commands/verify.js") },
  { name: "krm", summary: "KRM function (Kustomize, kpt): pin the images of a ResourceList from stdin", load: () => import("./commands/krm.js") },
  { name: "webhook", summary: "admission webhook that pins Pod images to digests; its store and install manifests", load: () => import("./commands/webhook.js") },
];
