/** A command as completion sees it: its flags and subcommands. */
export interface CompletionNode {
  name: string;
  description: string;
  flags: string[];
  subcommands: CompletionNode[];
}

/** The values offered after a flag that takes one of a few (the common ones for --platform). */
export const flagValues: Record<string, string[]> = {
  "--format": ["text", "json", "sarif"],
  "--variant": ["calico", "enterprise"],
  "--platform": [
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
    "windows/amd64",
  ],
};

/**
 * Renders a static completion script: subcommands and flags where a command has subcommands; a
 * command's flags after `-`; the values of --format, --variant and --platform after them; files
 * otherwise (the shell's default), since the arguments of pin, lint and verify are paths.
 */
export function completionScript(shell: "bash" | "zsh" | "fish", root: CompletionNode): string {
  return shell === "fish" ? fishScript(root) : bashScript(root, shell === "zsh");
}

function walk(node: CompletionNode, path: string[] = []): { path: string[]; node: CompletionNode }[] {
  return [{ path, node }, ...node.subcommands.flatMap((child) => walk(child, [...path, child.name]))];
}

function bashScript(root: CompletionNode, forZsh: boolean): string {
  const entries = walk(root);
  const paths = entries.filter((entry) => entry.path.length > 0).map((entry) => entry.path.join(" "));
  const cases = entries
    .map(
      ({ path, node }) =>
        `    "${path.join(" ")}") subcommands="${node.subcommands.map((child) => child.name).join(" ")}"; flags="${node.flags.join(" ")}" ;;`,
    )
    .join("\n");
  const values = Object.entries(flagValues)
    .map(([flag, list]) => `    ${flag}) COMPREPLY=($(compgen -W "${list.join(" ")}" -- "$cur")); return ;;`)
    .join("\n");
  return `# imagepin ${forZsh ? "zsh" : "bash"} completion${forZsh ? " (bash completion through bashcompinit)" : ""}
${forZsh ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}_imagepin() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" candidate word i subcommands="" flags=""
  case "$prev" in
${values}
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    candidate="\${path:+$path }$word"
    case "$candidate" in
      ${paths.map((path) => `"${path}"`).join("|") || '""'}) path="$candidate" ;;
    esac
  done
  case "$path" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -n "$subcommands" ]]; then
    COMPREPLY=($(compgen -W "$subcommands $flags" -- "$cur"))
  else
    # A command's arguments (paths for pin, lint, verify): nothing here, so the shell completes files.
    COMPREPLY=()
  fi
}
complete -o default -F _imagepin imagepin
`;
}

function fishScript(root: CompletionNode): string {
  const lines = ["# imagepin fish completion", "complete -c imagepin -f"];
  for (const { path, node } of walk(root)) {
    const condition =
      path.length === 0
        ? "__fish_use_subcommand"
        : `__fish_seen_subcommand_from ${path[path.length - 1]}${node.subcommands.length ? `; and not __fish_seen_subcommand_from ${node.subcommands.map((child) => child.name).join(" ")}` : ""}`;
    for (const child of node.subcommands) {
      lines.push(
        `complete -c imagepin -n '${condition}' -a ${child.name} -d '${child.description.replace(/'/g, "\\'")}'`,
      );
    }
    for (const flag of node.flags) {
      const option = flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      const values = flagValues[flag];
      lines.push(`complete -c imagepin -n '${condition}' ${option}${values ? ` -x -a '${values.join(" ")}'` : ""}`);
    }
    if (path.length > 0 && node.subcommands.length === 0) lines.push(`complete -c imagepin -n '${condition}' -F`);
  }
  return `${lines.join("\n")}\n`;
}
