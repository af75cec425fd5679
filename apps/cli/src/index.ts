/**
 * The `papyra` CLI as a library: run it in-process with {@link runCli}, or use its exit codes
 * and store resolution in your own tools.
 */

export {
  /** @deprecated Use `PapyraUsageError` (the same class, from @papyra/core). */
  PapyraUsageError as UsageError,
  PapyraUsageError,
} from "@papyra/core";
export { ExitCode, exitCodeFor } from "./exit-codes.js";
export { type CliRun, runCli } from "./main.js";
export {
  configFileSchema,
  findConfigFile,
  type LoadedConfig,
  loadConfigFile,
  type PapyraConfig,
} from "./store/config-file.js";
export { type LoadedBackend, loadBackend, packageCandidates } from "./store/load-backend.js";
export { type OptionFlag, optionFlags } from "./store/option-flags.js";
export { parseTimeInput } from "./time-input.js";
