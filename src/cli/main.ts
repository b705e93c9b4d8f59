import { commandTable, type CommandEntry } from "./registry.js";
import { exitCodeFor, exitUsage, printError } from "./output.js";

/**
 * Runs the imagepin command line and resolves to the exit status. The only module that reads argv;
 * `bin.ts` passes it in so tests can call `main` directly.
 */
export async function main(argv: string[]): Promise<number> {
  argv = helpAsFlag(argv);
  // Fast path: `--version` is run in loops by scripts and must not load commander.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    const { imagepinVersion } = await import("../version.js");
    process.stdout.write(`${imagepinVersion()}\n`);
    return 0;
  }
  const debug = argv.includes("--debug");
  const noArguments = argv.length === 0;
  const { Command, CommanderError, Help, Option } = await import("commander");
  const { imagepinVersion } = await import("../version.js");

  const program = new Command("imagepin")
    .description("Pin Kubernetes container images to immutable registry digests.")
    .version(imagepinVersion(), "-V, --version", "print the version")
    .option("--debug", "show stack traces and registry exchanges (never secrets)")
    .helpCommand("help [command]", "show help for a command")
    // Global options only before the command word, so a command may have its own --version
    // (`imageset create --version v3.32.0`); --debug is accepted everywhere, below.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    // The command list shows what each command takes, though only the one being run is loaded.
    .configureHelp({
      subcommandTerm: (command) => {
        const entry = command.parent?.parent
          ? undefined
          : commandTable.find((candidate) => candidate.name === command.name());
        return entry ? `${entry.name} ${entry.usage}` : new Help().subcommandTerm(command);
      },
    })
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`imagepin: ${text.replace(/^error: /, "")}`),
    });

  const target = findCommand(argv);
  const helpTopic = argv.filter((word) => !word.startsWith("-"));
  if (helpTopic[0] === "help" && helpTopic[1] !== undefined && target === undefined) {
    process.stderr.write(
      `imagepin: unknown command '${helpTopic[1]}'; the commands are ${commandTable.map((entry) => entry.name).join(", ")}\n`,
    );
    return exitUsage;
  }
  for (const entry of commandTable) {
    if (entry === target) {
      (await entry.load()).register(program);
    } else {
      program.command(entry.name).description(entry.summary);
    }
  }

  const acceptDebugEverywhere = (command: InstanceType<typeof Command>): void => {
    for (const sub of command.commands) {
      if (!sub.options.some((option) => option.long === "--debug")) sub.addOption(new Option("--debug").hideHelp());
      acceptDebugEverywhere(sub);
    }
  };
  acceptDebugEverywhere(program);
  // Wherever --debug was written, the command that runs sees it among its own flags.
  if (debug) program.hook("preAction", (_program, actionCommand) => void actionCommand.setOptionValue("debug", true));

  try {
    if (noArguments) {
      program.outputHelp({ error: true });
      return exitUsage;
    }
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is a usage error, and so is a
      // command that needs a subcommand given none (`imagepin webhook`: help on stderr, exit 2).
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "commander.help") return error.exitCode === 0 ? 0 : exitUsage;
      return exitUsage;
    }
    printError(error, debug);
    return exitCodeFor(error);
  }
}

/** The table entry named by the first word that is not a global flag (`help X` names X). */
function findCommand(argv: string[]): CommandEntry | undefined {
  const words = argv.filter((word) => !word.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return commandTable.find((entry) => entry.name === name);
}

/**
 * `help webhook manifests` as `webhook manifests --help`: commander's help command reads only the first
 * topic word, so the help of a subcommand would otherwise show its parent's.
 */
function helpAsFlag(argv: string[]): string[] {
  const words = argv.filter((word) => !word.startsWith("-"));
  if (words[0] !== "help" || words.length < 3) return argv;
  const at = argv.indexOf("help");
  return [...argv.slice(0, at), ...argv.slice(at + 1), "--help"];
}
