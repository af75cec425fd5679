import type { CommandDefinition } from "./command.js";

/** `papyra completion <shell>`: prints the shell completion script. */
export const command: CommandDefinition = {
  words: ["completion"],
  positionals: "<shell>",
  describe: "Print the shell completion script (bash or zsh)",
  builder: (y) =>
    y.positional("shell", {
      choices: ["bash", "zsh"] as const,
      describe: "The shell to complete in",
    }),
  handler: async (_context, args) =>
    (await import("../actions/completion.js")).completionCommand(args),
};
