import type { Command } from "commander";

/** A top-level command: its name and summary are known up front, its code is loaded on demand. */
export interface CommandEntry {
  name: string;
  /** What follows the name in the top-level command list (`<path...>`, `which|…`), as in the command's own usage. */
  usage: string;
  summary: string;
  /** Loads the module that adds the full command (options, subcommands, action) to the program. */
  load: () => Promise<{ register(program: Command): void }>;
}

/**
 * Every top-level command. Only the module of the command being run is imported, so `imagepin
 * parse` never pays for the registry client or the webhook server.
 */
export const commandTable: CommandEntry[] = [
  {
    name: "parse",
    usage: "<ref...>",
    summary: "parse and normalize image references",
    load: () => import("./commands/parse.js"),
  },
  {
    name: "resolve",
    usage: "<ref...>",
    summary: "resolve image references to digests at their registries",
    load: () => import("./commands/resolve.js"),
  },
  {
    name: "auth",
    usage: "which <image...>",
    summary: "show which registry credentials would be tried for an image",
    load: () => import("./commands/auth.js"),
  },
  {
    name: "completion",
    usage: "<shell>",
    summary: "print a shell completion script (bash, zsh, fish)",
    load: () => import("./commands/completion.js"),
  },
  {
    name: "imageset",
    usage: "create|verify",
    summary: "create and verify Calico operator ImageSets from the operator's image list",
    load: () => import("./commands/imageset.js"),
  },
  {
    name: "lint",
    usage: "<path...>",
    summary: "report images not pinned to a digest in manifests, Compose files and Dockerfiles",
    load: () => import("./commands/lint.js"),
  },
  {
    name: "pin",
    usage: "<path...>",
    summary: "pin images to registry digests in place, changing nothing else in the files",
    load: () => import("./commands/pin.js"),
  },
  {
    name: "verify",
    usage: "<path...>",
    summary: "check that pinned digests exist and whether their tags moved; --update follows them",
    load: () => import("./commands/verify.js"),
  },
  {
    name: "krm",
    usage: "< resource-list.yaml",
    summary: "KRM function (Kustomize, kpt): pin the images of a ResourceList from stdin",
    load: () => import("./commands/krm.js"),
  },
  {
    name: "webhook",
    usage: "serve|store|manifests",
    summary: "admission webhook that pins Pod images to digests; its store and install manifests",
    load: () => import("./commands/webhook.js"),
  },
];
