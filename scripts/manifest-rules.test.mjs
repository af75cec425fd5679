// The release check's manifest rules, on real package directories: every publishable package
// passes as committed, and each field a new package could forget is reported when it is missing.
// Run with `node --test scripts/` (part of `pnpm check-packages`).
import assert from "node:assert/strict";
import { test } from "node:test";
import { manifestProblems } from "./manifest-rules.mjs";
import { publishablePackages } from "./publishable.mjs";

const core = publishablePackages().find((pkg) => pkg.name === "@papyra/core");
const without = (change) => {
  const manifest = structuredClone(core.manifest);
  change(manifest);
  return manifestProblems({ ...core, manifest }).join("\n");
};

test("every publishable package passes as committed", () => {
  for (const pkg of publishablePackages()) assert.deepEqual(manifestProblems(pkg), []);
});

test("a missing metadata field is reported by name", () => {
  for (const field of ["description", "keywords", "homepage", "bugs", "repository", "engines"]) {
    assert.match(
      without((m) => delete m[field]),
      new RegExp(field),
    );
  }
  assert.match(
    without((m) => delete m.sideEffects),
    /sideEffects/,
  );
  assert.match(
    without((m) => delete m.repository.directory),
    /repository.directory/,
  );
  assert.match(
    without((m) => (m.repository.url = "https://example.com/x.git")),
    /repository.url/,
  );
});

test("files must ship dist, src (for the maps) and LICENSE", () => {
  assert.match(
    without((m) => (m.files = ["dist", "README.md"])),
    /does not list src[\s\S]*LICENSE/,
  );
});

test("an exports entry without a default condition, or out of order, is reported", () => {
  assert.match(
    without((m) => (m.exports["."] = { types: "./dist/index.d.ts", import: "./dist/index.js" })),
    /types, import, default/,
  );
  assert.match(
    without((m) => {
      m.exports["./extra"] = {
        import: "./dist/x.js",
        types: "./dist/x.d.ts",
        default: "./dist/x.js",
      };
    }),
    /exports\["\.\/extra"\]/,
  );
});

test("a bin that points into dist is reported", () => {
  assert.match(
    without((m) => (m.bin = { papyra: "./dist/bin.js" })),
    /committed stub/,
  );
});
