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
  examples: [
    [
      "$0 completion bash > ~/.papyra-completion.bash",
      "Write the bash script; then source it from ~/.bashrc",
    ],
    [
      "$0 completion zsh > ~/.papyra-completion.zsh",
      "Write the zsh script; then source it from ~/.zshrc",
    ],
  ],
  handler: async (_context, args) =>
    (await import("../actions/completion.js")).completionCommand(args),
};
