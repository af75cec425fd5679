import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BackendCapabilities,
  type BackendDefinition,
  backendCapabilities,
} from "@papyra/core";
import type { CliContext, CommandResult } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { capabilityList } from "../output/reports.js";
import { importDefinition } from "../store/load-backend.js";
import { optionFlags } from "../store/option-flags.js";
import {
  type FoundPackage,
  listBackendPackages,
  searchRoots,
} from "../store/package-resolution.js";

/** One backend package `papyra backends` found. */
export interface FoundBackend {
  name: string | null;
  package: string;
  version: string | null;
  from: "project" | "cli";
  dir: string;
  description: string | null;
  flags: string[];
  env: Record<string, string>;
  capabilities: BackendCapabilities | null;
  /** Why capabilities or the definition could not be read. */
  note: string | null;
  /** Same package found again further away; this copy is not used. */
  shadowed: boolean;
}

const PROBE_TIMEOUT_MS = 2000;

// Capabilities are detected on an instance, so each backend is opened on a throwaway
// directory; one that needs options (a Redis URL) reports why it was not probed. It is opened
// for writing: by the BackendContext contract a read-only open finds no store there
// (PAPYRA_NOT_FOUND), and what a writer creates goes away with the directory.
async function probe(
  definition: BackendDefinition,
): Promise<{ capabilities: BackendCapabilities | null; note: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), "papyra-probe-"));
  try {
    // Location-like options get paths inside the throwaway directory; anything else required
    // (a Redis URL) means the backend cannot be probed without the user's options.
    const probeOptions: Record<string, unknown> = {};
    for (const flag of optionFlags(definition)) {
      const field = flag.path.join(".");
      if (
        flag.path.length === 1 &&
        flag.kind === "string" &&
        /(path|dir|directory|file)$/i.test(field)
      ) {
        probeOptions[field] = join(dir, `probe-${field}`);
        if (/dir(ectory)?$/i.test(field)) mkdirSync(join(dir, `probe-${field}`));
      }
    }
    const parsed = definition.optionsSchema.safeParse(probeOptions);
    if (!parsed.success) {
      return { capabilities: null, note: "not probed: it needs options to open a store" };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      const backend = await Promise.race([
        definition.create(parsed.data, { cwd: dir, readOnly: false }),
        timeout,
      ]);
      const capabilities = backendCapabilities(backend);
      await Promise.race([backend.close(), timeout]).catch(() => undefined);
      return { capabilities, note: null };
    } catch (error) {
      return { capabilities: null, note: `not probed: ${(error as Error).message.split("\n")[0]}` };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function describe(pkg: FoundPackage, shadowed: boolean): Promise<FoundBackend> {
  const base = {
    package: pkg.name,
    version: pkg.version ?? null,
    from: pkg.from,
    dir: pkg.dir,
    shadowed,
  };
  let definition: BackendDefinition;
  try {
    definition = await importDefinition(pkg);
  } catch (error) {
    return {
      ...base,
      name: null,
      description: null,
      flags: [],
      env: {},
      capabilities: null,
      note: (error as Error).message,
    };
  }
  const probed = shadowed
    ? { capabilities: null, note: "shadowed by a nearer copy" }
    : await probe(definition);
  return {
    ...base,
    name: definition.name,
    description: definition.description ?? null,
    flags: optionFlags(definition).map((f) => `--${f.flag}`),
    env: { ...(definition.env ?? {}) },
    ...probed,
  };
}

/** `backends`: every backend package found, from where, with its flags and capabilities. */
export async function backendsCommand(context: CliContext): Promise<CommandResult> {
  const seen = new Set<string>();
  const found: FoundBackend[] = [];
  for (const root of searchRoots(context.cwd)) {
    for (const pkg of listBackendPackages(root.start, root.from)) {
      const shadowed = seen.has(pkg.name);
      seen.add(pkg.name);
      // The same real directory reached twice (workspace links) is listed once.
      if (found.some((f) => f.dir === pkg.dir)) continue;
      found.push(await describe(pkg, shadowed));
    }
  }
  let selected: { backend: string; selected_by: string; config_file: string | null } | null = null;
  let selectionError: string | null = null;
  try {
    const selection = await context.selection();
    selected = {
      backend: selection.loaded.definition.name,
      selected_by: selection.selectedBy,
      config_file: selection.config?.file ?? null,
    };
  } catch (error) {
    selectionError = (error as Error).message;
  }
  return {
    exitCode: ExitCode.ok,
    data: { backends: found, selected, selection_error: selectionError },
    print(out) {
      if (found.length === 0) out.line("No backend packages found.");
      else
        out.table([
          ["NAME", "PACKAGE", "VERSION", "FROM", "CAPABILITIES"],
          ...found.map((b) => [
            b.name ?? "?",
            b.package,
            b.version ?? "-",
            b.shadowed ? `${b.from} (shadowed)` : b.from,
            b.capabilities ? capabilityList(b.capabilities) : (b.note ?? "-"),
          ]),
        ]);
      out.line();
      for (const b of found) {
        if (!b.name || b.shadowed) continue;
        const env = Object.entries(b.env).map(([option, variable]) => `${option}=$${variable}`);
        out.line(`${out.paint("bold", b.name)}: ${b.description ?? ""}`);
        out.line(`  location: ${b.dir}`);
        if (b.flags.length) out.line(`  flags: ${b.flags.join(" ")}`);
        if (env.length) out.line(`  env: ${env.join(" ")}`);
      }
      if (selected)
        out.line(
          `Selected: ${selected.backend} (by ${selected.selected_by}${selected.config_file ? `, ${selected.config_file}` : ""})`,
        );
      if (selectionError) out.diag(`papyra: warning: ${selectionError}`);
    },
  };
}
