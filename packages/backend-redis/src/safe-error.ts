import { redactText, type Secrets } from "./redact.js";

/** Properties of network and Redis errors worth keeping: none of them holds arguments. */
const KEPT = ["code", "errno", "syscall", "address", "port"] as const;
const MAX_DEPTH = 4;

/**
 * What the store puts in place of an error ioredis (or Node) raised: the same name, message
 * and network details, without the command's arguments (ioredis attaches `command.args`, which
 * for AUTH and HELLO hold the password) and with every known secret masked in the text.
 */
export class RedisClientError extends Error {
  /** Name of the Redis command that failed, when known (`xadd`, `hello`, ...). */
  declare readonly command?: string;
  declare readonly code?: string;
  declare readonly errno?: number;
  declare readonly syscall?: string;
  declare readonly address?: string;
  declare readonly port?: number;

  constructor(message: string, name: string, options?: { cause?: unknown; command?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    if (options?.command !== undefined) {
      (this as { command?: string }).command = options.command;
    }
  }
}

function field(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * A copy of `error` safe to show and to keep as a `cause`: only its name, message, network
 * fields, the failed command's name and (recursively) its cause or ioredis' `lastNodeError`,
 * each with secrets masked. Errors already made safe are returned as they are.
 */
export function toSafeError(error: unknown, secrets: Secrets, depth = 0): Error {
  if (error instanceof RedisClientError) return error;
  if (!(error instanceof Error)) {
    return new RedisClientError(redactText(String(error), secrets), "Error");
  }
  const inner = field(error, "cause") ?? field(error, "lastNodeError");
  const cause =
    inner !== undefined && depth < MAX_DEPTH ? toSafeError(inner, secrets, depth + 1) : undefined;
  const command = field(error, "command");
  const commandName =
    typeof command === "object" && command !== null ? field(command, "name") : undefined;
  const safe = new RedisClientError(
    redactText(String(error.message), secrets),
    redactText(String(error.name), secrets),
    {
      cause,
      command: typeof commandName === "string" ? commandName : undefined,
    },
  );
  const target = safe as unknown as Record<string, unknown>;
  for (const key of KEPT) {
    const value = field(error, key);
    if (typeof value === "string") target[key] = redactText(value, secrets);
    else if (typeof value === "number") target[key] = value;
  }
  return safe;
}

/** The message of any thrown value, secrets masked. */
export function safeMessage(error: unknown, secrets: Secrets): string {
  return toSafeError(error, secrets).message;
}
