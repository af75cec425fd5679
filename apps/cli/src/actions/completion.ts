import { PapyraUsageError } from "@papyra/core";
import type { CommandResult } from "../context.js";
import { ExitCode } from "../exit-codes.js";

/** The shells `papyra completion` writes a script for. */
export const COMPLETION_SHELLS = ["bash", "zsh"] as const;

/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

// Both scripts ask the CLI itself for the candidates (yargs answers `--get-yargs-completions`),
// so they follow the installed version's commands and flags without being regenerated.
const BASH = `###-begin-papyra-completions-###
# papyra completion for bash: source it from ~/.bashrc, e.g.
#   papyra completion bash > ~/.papyra-completion.bash && echo 'source ~/.papyra-completion.bash' >> ~/.bashrc
_papyra_completions() {
  local cur candidates
  cur="\${COMP_WORDS[COMP_CWORD]}"
  candidates=$(papyra --get-yargs-completions "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  COMPREPLY=($(compgen -W "\${candidates}" -- "\${cur}"))
  return 0
}
complete -o bashdefault -o default -F _papyra_completions papyra
###-end-papyra-completions-###
`;

const ZSH = `#compdef papyra
###-begin-papyra-completions-###
# papyra completion for zsh: put it on your fpath as _papyra, or source it from ~/.zshrc, e.g.
#   papyra completion zsh > ~/.papyra-completion.zsh && echo 'source ~/.papyra-completion.zsh' >> ~/.zshrc
_papyra_completions() {
  local -a candidates
  local IFS=$'\\n'
  candidates=($(ZSH_NAME=zsh papyra --get-yargs-completions "\${words[@]:1:CURRENT-1}" 2>/dev/null))
  _describe 'papyra' candidates
}
if (( $+functions[compdef] )); then compdef _papyra_completions papyra; fi
###-end-papyra-completions-###
`;

/** `completion bash|zsh`: prints the shell's completion script on stdout. */
export function completionCommand(args: Record<string, unknown>): CommandResult {
  const shell = args.shell;
  if (shell !== "bash" && shell !== "zsh") {
    throw new PapyraUsageError(
      `completion is written for ${COMPLETION_SHELLS.join(" or ")}, not ${String(shell)}`,
    );
  }
  const script = shell === "bash" ? BASH : ZSH;
  return {
    exitCode: ExitCode.ok,
    data: { shell, script },
    print(out) {
      out.line(script.trimEnd());
    },
  };
}
