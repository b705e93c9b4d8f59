import { Command } from "commander";
import { UsageError } from "../../errors.js";
import { commandTable } from "../registry.js";
import { completionScript, type CompletionNode } from "../completion-script.js";

const shells = ["bash", "zsh", "fish"] as const;

/** `imagepin completion bash|zsh|fish`: print a shell completion script built from every command's flags. */
export function register(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script")
    .argument("<shell>", `one of ${shells.join(", ")}`)
    .addHelpText(
      "after",
      `
Install:
  bash  echo 'source <(imagepin completion bash)' >> ~/.bashrc
  zsh   echo 'source <(imagepin completion zsh)' >> ~/.zshrc
  fish  imagepin completion fish > ~/.config/fish/completions/imagepin.fish`,
    )
    .action(async (shell: string) => {
      if (!(shells as readonly string[]).includes(shell)) {
        throw new UsageError(`completion: unknown shell ${JSON.stringify(shell)} (use ${shells.join(", ")})`);
      }
      const tree = await fullCommandTree(program);
      process.stdout.write(completionScript(shell as (typeof shells)[number], tree));
    });
}

/** Loads every command module into a fresh program so the script knows all commands and flags. */
async function fullCommandTree(running: Command): Promise<CompletionNode> {
  const program = new Command(running.name());
  for (const option of running.options) program.addOption(option);
  for (const entry of commandTable) {
    if (entry.name === "completion") {
      program.command("completion").description("print a shell completion script").argument("<shell>");
      continue;
    }
    (await entry.load()).register(program);
  }
  return toNode(program);
}

function toNode(command: Command): CompletionNode {
  const flags = command.options.flatMap((option) =>
    [option.long, option.short].filter((flag): flag is string => Boolean(flag)),
  );
  return {
    name: command.name(),
    description: command.description(),
    flags: [...flags, "--help"],
    subcommands: command.commands.map(toNode),
  };
}
