import type { StoreFlags } from "./store/select-store.js";

/** Flags read before the full parse, because they decide which backend flags exist. */
export interface Prescan extends StoreFlags {
  json: boolean;
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") break;
    if (token === `--${name}`) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) value = next;
    } else if (token.startsWith(`--${name}=`)) {
      value = token.slice(name.length + 3);
    }
  }
  return value;
}

/**
 * Reads `--backend`, `--config`, `--path` and `--json` from raw argv (last one wins).
 * `--format json` (of `metrics persistence`) asks for the same JSON document as `--json`.
 */
export function prescan(argv: readonly string[]): Prescan {
  const end = argv.indexOf("--");
  const head = end === -1 ? argv : argv.slice(0, end);
  const json =
    head.some((t) => t === "--json" || t === "--json=true") || flagValue(head, "format") === "json";
  const out: Prescan = { json };
  const backend = flagValue(head, "backend");
  const config = flagValue(head, "config");
  const path = flagValue(head, "path");
  if (backend !== undefined) out.backend = backend;
  if (config !== undefined) out.config = config;
  if (path !== undefined) out.path = path;
  return out;
}
