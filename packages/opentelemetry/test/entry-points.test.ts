import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const dist = resolve(import.meta.dirname, "..", "dist");

/** Every bare package a built module imports, following its relative imports. */
function packagesImportedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [join(dist, entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      const specifier = match[1] as string;
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      else
        packages.add(
          specifier
            .split("/")
            .slice(0, specifier.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  }
  return packages;
}

describe("entry points", () => {
  it("@papyra/opentelemetry/prometheus loads without @opentelemetry/api (for the CLI)", async () => {
    expect([...packagesImportedBy("prometheus.js")].sort()).toEqual(["@papyra/core", "zod"]);
    const module = (await import(pathToFileURL(join(dist, "prometheus.js")).href)) as {
      renderPrometheusText?: unknown;
      identifyStore?: unknown;
    };
    expect(typeof module.renderPrometheusText).toBe("function");
    expect(typeof module.identifyStore).toBe("function");
  });

  it("the main entry imports only its peers and zod", () => {
    expect([...packagesImportedBy("index.js")].sort()).toEqual([
      "@opentelemetry/api",
      "@papyra/core",
      "zod",
    ]);
  });
});
