/** The signals that end a follow or a stream: Ctrl-C, and a supervisor's polite stop. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** An AbortSignal fired by SIGINT or SIGTERM while it is installed. */
export interface Interrupt {
  signal: AbortSignal;
  /** Which signal ended the run, or null. */
  received(): StopSignal | null;
  /** Removes the handlers (the process' default behaviour is back). */
  dispose(): void;
}

/**
 * Turns SIGINT / SIGTERM into an abort, so a follow stops cleanly: files and connections are
 * closed, the output flushed, and the exit code chosen (130 after Ctrl-C, 0 after SIGTERM).
 */
export function installInterrupt(): Interrupt {
  const controller = new AbortController();
  let received: StopSignal | null = null;
  const handlers = new Map<StopSignal, () => void>();
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      received ??= name;
      controller.abort(new Error(`stopped by ${name}`));
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      for (const [name, handler] of handlers) process.removeListener(name, handler);
    },
  };
}
