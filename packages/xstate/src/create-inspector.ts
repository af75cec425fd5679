import { createRecorder, runStartupCheck } from "@papyra/core";
import { type PapyraInspector, XStateInspector } from "./inspector.js";
import {
  type PapyraInspectorOptions,
  startupOptions,
  validateInspectorOptions,
} from "./options.js";

/**
 * Runs the startup check on `options.backend` (default mode `fail_on_anomaly`) and, once it
 * passes, returns an inspector to pass to XState's `createActor(logic, { inspect })`. Rejects
 * with `PersistenceStartupError` when the store is not fit to start on, so no actor starts on
 * a broken store, and with `PersistenceValidationError` on bad options. After that, nothing
 * the store does reaches the actors: records are written in the background, bounded, and
 * dropped with a count when the store cannot keep up.
 */
export async function createPapyraInspector(
  options: PapyraInspectorOptions,
): Promise<PapyraInspector> {
  validateInspectorOptions(options);
  const startup = await runStartupCheck(options.backend, startupOptions(options.startup));
  const recorder = createRecorder(options.backend, {
    ...options.recorder,
    systemId: options.systemId,
  });
  return new XStateInspector(options, recorder, startup);
}
