import type { BackendDefinition } from "@papyra/core";

/** How a flag's text becomes an option value before the backend's schema validates it. */
export type FlagKind = "string" | "number" | "boolean" | "json";

/** One backend option exposed as a CLI flag (`--<backend>-<field>`, nested fields joined by `-`). */
export interface OptionFlag {
  /** Flag name without dashes, e.g. `redis-url`, `json-retention-max-records`. */
  flag: string;
  /** Path of the option inside the options object, e.g. `["retention", "maxRecords"]`. */
  path: string[];
  kind: FlagKind;
  choices?: string[];
  description: string;
  required: boolean;
}

type Def = Record<string, unknown>;

// zod 4 keeps the definition in `_zod.def` (with `type`); zod 3 in `_def` (with `typeName`).
// Both are read so a third-party backend built on either version gets its flags.
function defOf(schema: unknown): Def | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const s = schema as { _zod?: { def?: Def }; _def?: Def };
  return s._zod?.def ?? s._def;
}

function typeOf(def: Def): string {
  if (typeof def.type === "string") return def.type;
  if (typeof def.typeName === "string") {
    const name = def.typeName.replace(/^Zod/, "").toLowerCase();
    return name === "effects" ? "pipe" : name === "nativeenum" ? "enum" : name;
  }
  return "unknown";
}

function descriptionOf(schema: unknown): string | undefined {
  try {
    const description = (schema as { description?: unknown }).description;
    return typeof description === "string" ? description : undefined;
  } catch {
    return undefined;
  }
}

interface Unwrapped {
  schema: unknown;
  type: string;
  def: Def;
  optional: boolean;
  description: string | undefined;
}

const WRAPPERS = new Set(["optional", "default", "nullable", "readonly", "catch", "prefault"]);

function unwrap(schema: unknown): Unwrapped | undefined {
  let current = schema;
  let optional = false;
  let description = descriptionOf(schema);
  for (let depth = 0; depth < 16; depth++) {
    const def = defOf(current);
    if (!def) return undefined;
    const type = typeOf(def);
    if (WRAPPERS.has(type)) {
      if (type !== "nullable" && type !== "readonly") optional = true;
      current = def.innerType;
    } else if (type === "pipe") {
      current = def.in ?? def.schema;
    } else {
      return { schema: current, type, def, optional, description };
    }
    description ??= descriptionOf(current);
  }
  return undefined;
}

function shapeOf(def: Def): Record<string, unknown> {
  const shape = def.shape;
  if (typeof shape === "function") return (shape as () => Record<string, unknown>)();
  return typeof shape === "object" && shape !== null ? (shape as Record<string, unknown>) : {};
}

function enumChoices(def: Def): string[] | undefined {
  const values = Array.isArray(def.values)
    ? def.values
    : typeof def.entries === "object" && def.entries !== null
      ? Object.values(def.entries as Record<string, unknown>)
      : undefined;
  if (values?.every((v) => typeof v === "string")) return values as string[];
  return undefined;
}

/** `maxRecords` -> `max-records`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();
}

// Units read from the end of an option's name, for flags whose schema has no description.
const UNIT_SUFFIXES: readonly [RegExp, string][] = [
  [/Ms$|Millis(econds)?$/, "milliseconds"],
  [/Seconds$|Secs?$/, "seconds"],
  [/Minutes$/, "minutes"],
  [/Bytes$/, "bytes"],
];

/**
 * The help line of a flag whose schema gives none: the option it sets and, for a number,
 * its unit when the name says it (`retention.maxAgeSeconds` -> "... in seconds").
 */
export function generatedDescription(path: readonly string[], kind: FlagKind): string {
  const option = `Option ${path.join(".")}`;
  if (kind !== "number") return option;
  const name = path[path.length - 1] ?? "";
  const unit = UNIT_SUFFIXES.find(([pattern]) => pattern.test(name))?.[1];
  return unit ? `${option}, a number of ${unit}` : `${option}, a number`;
}

function collect(
  schema: unknown,
  path: string[],
  prefix: string,
  parentOptional: boolean,
  out: OptionFlag[],
): void {
  const info = unwrap(schema);
  if (!info) return;
  const optional = parentOptional || info.optional;
  if (info.type === "object" && path.length < 3) {
    for (const [key, child] of Object.entries(shapeOf(info.def))) {
      collect(child, [...path, key], prefix, optional, out);
    }
    return;
  }
  if (path.length === 0) return;
  const flag = `${prefix}-${path.map(kebab).join("-")}`;
  const base = { flag, path, required: !optional, description: info.description ?? "" };
  switch (info.type) {
    case "string":
      out.push({ ...base, kind: "string" });
      return;
    case "number":
    case "int":
    case "bigint":
      out.push({
        ...base,
        kind: "number",
        description: info.description ?? generatedDescription(path, "number"),
      });
      return;
    case "boolean":
      out.push({ ...base, kind: "boolean" });
      return;
    case "enum":
    case "literal": {
      const choices = enumChoices(info.def);
      out.push(choices ? { ...base, kind: "string", choices } : { ...base, kind: "json" });
      return;
    }
    default:
      out.push({ ...base, kind: "json" });
  }
}

/** The flags a backend's option schema yields, one per leaf field (objects are flattened). */
export function optionFlags(definition: BackendDefinition): OptionFlag[] {
  const out: OptionFlag[] = [];
  collect(definition.optionsSchema, [], kebab(definition.name), false, out);
  return out;
}

/** Turns a flag's or environment variable's text into the value the schema will check. */
export function coerceFlagValue(kind: FlagKind, raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  switch (kind) {
    case "number":
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      return raw;
    case "json":
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/** Sets `value` at `path` inside `target`, creating plain objects on the way. */
export function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, {
        value: created,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      node = created;
    }
  }
  const last = path[path.length - 1] as string;
  Object.defineProperty(node, last, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
