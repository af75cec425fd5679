// Packed-install smoke test: packs every publishable package with `pnpm pack`, installs the
// tarballs into a fresh npm project outside the workspace (as a user would), and checks what
// the READMEs promise: a plain .mjs program opens a JSON store, runs the startup check, writes
// and lists; every package loads with require() from CommonJS; `npx papyra doctor run` and
// `npx papyra inspect events --json` work there; and a second plain `npm install` succeeds, so
// the peer ranges resolve. Run after `pnpm build`. Exits non-zero on the first failure.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedContentProblems } from "./packed-contents.mjs";
import { publishablePackages } from "./publishable.mjs";

const started = performance.now();

const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "papyra-pack-smoke-"));
const tarballs = join(work, "tarballs");
const project = join(work, "project");
mkdirSync(tarballs);
mkdirSync(project);

// A plain npm project sees no pnpm settings: `pnpm pack-smoke` exports its own config as
// npm_config_* variables, which npm would warn about (or obey). Registry, cache and the user's
// .npmrc (auth) stay, so installs work behind a mirror.
const KEPT_NPM_CONFIG = new Set([
  "npm_config_registry",
  "npm_config_cache",
  "npm_config_userconfig",
]);
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !key.toLowerCase().startsWith("npm_config_") || KEPT_NPM_CONFIG.has(key.toLowerCase()),
  ),
);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", env, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`pack smoke: ${command} ${args.join(" ")} exited ${result.status}`);
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  return result;
}

try {
  const packages = publishablePackages();
  for (const pkg of packages)
    run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: pkg.dir });
  const files = readdirSync(tarballs).map((name) => join(tarballs, name));

  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "papyra-smoke", version: "1.0.0", private: true }, null, 2)}\n`,
  );
  const npmFlags = ["--no-audit", "--no-fund", "--loglevel=error"];
  // As the READMEs say: @papyra/opentelemetry's main entry needs @opentelemetry/api, an
  // optional peer (its ./prometheus entry, which the CLI uses, does not).
  run("npm", ["install", ...npmFlags, ...files, "@opentelemetry/api@^1.3.0"], { cwd: project });

  // What was installed is what the tarballs hold: only what users need, every map resolving.
  console.log("pack smoke: package  packed B  unpacked B  files");
  const problems = [];
  for (const pkg of packages) {
    const installed = join(project, "node_modules", ...pkg.name.split("/"));
    const tarball = join(
      tarballs,
      `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.manifest.version}.tgz`,
    );
    const contents = installedContentProblems(installed);
    problems.push(...contents.problems.map((problem) => `${pkg.name}: ${problem}`));
    console.log(`  ${pkg.name}  ${statSync(tarball).size}  ${contents.bytes}  ${contents.files}`);
  }
  if (problems.length) {
    console.error(`pack smoke: tarball contents\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }

  // The README's "Using a store", as plain JavaScript on the declared minimum Node.
  writeFileSync(
    join(project, "store.mjs"),
    `import { openJsonStore } from "@papyra/backend-json";
import { nowSeconds, runStartupCheck } from "@papyra/core";

const store = await openJsonStore({ path: "./papyra.ndjson", durability: "fsync" });
try {
  await runStartupCheck(store, { mode: "recover", timeoutMs: 30_000 });
  await store.recordEvent({
    system_id: "orders",
    actor_address: { system: "orders", actor_id: "payment-7" },
    event_type: "ActorStarted",
    payload: { reason: "spawned" },
    timestamp: nowSeconds(),
  });
  const events = await store.listEvents({ limit: 10 });
  if (events.length !== 1 || events[0].event_type !== "ActorStarted") throw new Error("listed " + JSON.stringify(events));
  console.log("store.mjs: wrote and listed", events.length, "event");
} finally {
  await store.close();
}
`,
  );
  run("node", ["store.mjs"], { cwd: project, stdio: "inherit" });

  // require() of every package from CommonJS (Node >= 20.19 loads ESM synchronously).
  const specifiers = packages.flatMap((pkg) =>
    Object.keys(pkg.manifest.exports ?? {})
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `${pkg.name}${subpath.slice(1)}`),
  );
  const requires = specifiers
    .map((specifier) => `  ["${specifier}", Object.keys(require("${specifier}")).length],`)
    .join("\n");
  writeFileSync(
    join(project, "require.cjs"),
    `const loaded = [\n${requires}\n];
// A subpath that holds only types (e.g. @papyra/backend-json/testing) exports nothing at run time.
for (const [name, count] of loaded) if (!(count > 0) && !name.endsWith("/testing")) throw new Error(name + " exported nothing to require()");
console.log("require.cjs: " + loaded.map(([name]) => name).join(", "));
`,
  );
  run("node", ["require.cjs"], { cwd: project, stdio: "inherit" });

  // The operators' CLI, as installed.
  run("npx", ["--no-install", "papyra", "doctor", "run"], { cwd: project, stdio: "inherit" });
  const listed = run("npx", ["--no-install", "papyra", "inspect", "events", "--json"], {
    cwd: project,
  });
  const document = JSON.parse(listed.stdout);
  if (document.ok !== true || document.events?.length !== 1) {
    console.error("pack smoke: unexpected inspect events --json output", listed.stdout);
    process.exit(1);
  }
  console.log("npx papyra inspect events --json: 1 event");

  // A second, plain install must resolve (peer ranges included) without --force.
  run("npm", ["install", ...npmFlags], { cwd: project });
  console.log("pack smoke: second npm install resolved");
  execFileSync("npm", ["ls", "--all", "--loglevel=error"], { cwd: project, env, stdio: "ignore" });
  console.log(`pack smoke: passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  if (keep) console.log(`pack smoke: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
