/** A command as completion sees it: its flags and subcommands. */
export interface CompletionNode {
  name: string;
  description: string;
  flags: string[];
  subcommands: CompletionNode[];
}

/**
 * Renders a static completion script: subcommands at each level, then that command's flags; files
 * otherwise (the shell's default), since most arguments are paths or image references.
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
    .map(({ path, node }) => `    "${path.join(" ")}") words="${[...node.subcommands.map((child) => child.name), ...node.flags].join(" ")}" ;;`)
    .join("\n");
  return `# imagepin ${forZsh ? "zsh" : "bash"} completion${forZsh ? " (bash completion through bashcompinit)" : ""}
${forZsh ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}_imagepin() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" candidate word i words=""
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
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _imagepin imagepin
`;
}

function fishScript(root: CompletionNode): string {
  const lines = ["# imagepin fish completion", "complete -c imagepin -f"];
  for (const { path, node } of walk(root)) {
    const condition = path.length === 0
      ? "__fish_use_subcommand"
      : `__fish_seen_subcommand_from ${path[path.length - 1]}${node.subcommands.length ? `; and not __fish_seen_subcommand_from ${node.subcommands.map((child) => child.name).join(" ")}` : ""}`;
    for (const child of node.subcommands) {
      lines.push(`complete -c imagepin -n '${condition}' -a ${child.name} -d '${child.description.replace(/'/g, "\\'")}'`);
    }
    for (const flag of node.flags) {
      const option = flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c imagepin -n '${condition}' ${option}`);
    }
    if (path.length > 0 && node.subcommands.length === 0) lines.push(`complete -c imagepin -n '${condition}' -F`);
  }
  return `${lines.join("\n")}\n`;
}
