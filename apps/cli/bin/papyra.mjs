#!/usr/bin/env node
// The `papyra` executable. It is committed (not built) so that package managers can link it
// before the first build: in a clone, `pnpm install` then finds the bin target and stays quiet.
try {
  await import("../dist/bin.js");
} catch (error) {
  const missing =
    error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bin.js");
  if (!missing) throw error;
  process.stderr.write(
    "papyra: the CLI is not built yet; run `pnpm build` in the repository first.\n",
  );
  process.exit(70);
}
