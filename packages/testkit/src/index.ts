export {
  type CrashOptions,
  type CrashSubject,
  type CrashWriter,
  runCrashGroup,
  runWriterUntilKilled,
} from "./crash/group.js";
export { type KillPoint, killCrashChildren, runUntilKilled } from "./crash/kill.js";
export { crashEvent } from "./crash/records.js";
export { type PythonWrittenLine, pythonWrittenLine } from "./python-lines.js";
export {
  BASE_TIME,
  list,
  makeAudit,
  makeDeadLetter,
  makeEvent,
  makeRecord,
  recordBytes,
  write,
} from "./records.js";
export { runConformanceSuite } from "./suite.js";
export {
  CONFORMANCE_GROUPS,
  type ConformanceGroup,
  type ConformanceOptions,
  type ConformanceSubject,
  type OpenOptions,
  type TestBody,
  type TestRunner,
} from "./types.js";
