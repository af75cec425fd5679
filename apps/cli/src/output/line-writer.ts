/** A stream the CLI writes lines to, as much as it needs of one. */
export interface LineSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: "drain" | "error" | "close", listener: (...args: unknown[]) => void): unknown;
  removeListener(
    event: "drain" | "error" | "close",
    listener: (...args: unknown[]) => void,
  ): unknown;
}

/** Thrown when the reader of the output went away (`papyra export | head`): a clean stop. */
export class OutputClosedError extends Error {
  readonly code = "PAPYRA_OUTPUT_CLOSED";
  constructor() {
    super("the output was closed by its reader");
    this.name = "OutputClosedError";
  }
}

/**
 * Writes lines to a stream, waiting for it to drain when its buffer is full, so a slow reader
 * slows the writer instead of growing memory; and turns a closed pipe (EPIPE) into
 * {@link OutputClosedError}. Small lines are batched into one write of up to 64 KiB, flushed by
 * {@link flush} (call it after each record when following).
 */
export class LineWriter {
  readonly #sink: LineSink;
  #buffer = "";
  #failed: Error | null = null;

  constructor(sink: LineSink) {
    this.#sink = sink;
    const onError = (error: unknown) => {
      const code = (error as NodeJS.ErrnoException)?.code;
      this.#failed = code === "EPIPE" ? new OutputClosedError() : (error as Error);
    };
    // Kept for the process' life: a late EPIPE must never become an uncaught exception.
    (sink as unknown as NodeJS.EventEmitter).on?.("error", onError);
  }

  /** Adds one line (a newline is appended); writes out when 64 KiB are pending. */
  async line(text: string): Promise<void> {
    this.#buffer += `${text}\n`;
    if (this.#buffer.length >= 64 * 1024) await this.flush();
  }

  /** Writes out what is pending and waits while the stream's buffer is full. */
  async flush(): Promise<void> {
    if (this.#failed) throw this.#failed;
    if (this.#buffer === "") return;
    const chunk = this.#buffer;
    this.#buffer = "";
    const ok = this.#sink.write(chunk);
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#sink.removeListener("drain", done);
          this.#sink.removeListener("close", done);
          this.#sink.removeListener("error", done);
          resolve();
        };
        this.#sink.once("drain", done);
        this.#sink.once("close", done);
        this.#sink.once("error", done);
      });
    }
    if (this.#failed) throw this.#failed;
  }
}
