export type { RecorderOptions } from "./options.js";
export { createRecorder, type Recorder } from "./recorder.js";
export {
  RECORDER_COUNTER_NAMES,
  type RecorderCounterName,
  type RecorderMetricsSnapshot,
} from "./recorder-metrics.js";
export type {
  DrainResult,
  DropReason,
  DropReport,
  RecorderAuditInput,
  RecorderDeadLetterInput,
  RecorderEventInput,
  WriteErrorReport,
} from "./types.js";
