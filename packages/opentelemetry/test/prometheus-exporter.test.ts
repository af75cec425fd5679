import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { openJsonStore } from "@papyra/backend-json";
import { METRIC_NAMES } from "@papyra/core";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumentBackend, PAPYRA_COUNTERS, renderPrometheusText } from "../src/index.js";
import { event, freePort, makeTempDir, removeDir } from "./helpers.js";

/** Starts the exporter's own HTTP server on a free loopback port (retrying a lost race). */
async function startExporter(): Promise<{ exporter: PrometheusExporter; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const exporter = new PrometheusExporter({ host: "127.0.0.1", port, preventServerStart: true });
    try {
      await exporter.startServer();
      return { exporter, url: `http://127.0.0.1:${port}/metrics` };
    } catch (error) {
      await exporter.shutdown().catch(() => {});
      if (attempt >= 5) throw error;
    }
  }
}

function papyraFamilies(text: string): Map<string, ParsedFamily> {
  return new Map(
    parsePrometheusTextFormat(text)
      .filter((family) => family.name.startsWith("papyra_"))
      .map((family) => [family.name, family]),
  );
}

describe("@opentelemetry/exporter-prometheus scraped over HTTP", () => {
  let dir: string;
  let exporter: PrometheusExporter;
  let url: string;
  let provider: MeterProvider;
  beforeEach(async () => {
    dir = await makeTempDir();
    ({ exporter, url } = await startExporter());
    provider = new MeterProvider({ readers: [exporter] });
  });
  afterEach(async () => {
    await provider.shutdown();
    await removeDir(dir);
  });

  it("serves every counter as papyra_*_total with the store's labels and the snapshot's values", async () => {
    const path = join(dir, "store.ndjson");
    const { backend: store } = instrumentBackend(await openJsonStore({ path }), {
      meterProvider: provider,
    });
    for (let id = 1; id <= 12; id++) await store.recordEvent(event(id));
    await store.listEvents({ limit: 5 });
    await store.scan();
    await store.compact({ dryRun: true });

    const response = await fetch(url);
    expect(response.status).toBe(200);
    const scraped = papyraFamilies(await response.text());
    const snapshot = store.metrics.snapshot();

    expect([...scraped.keys()].sort()).toEqual(METRIC_NAMES.map((n) => `papyra_${n}_total`).sort());
    for (const definition of PAPYRA_COUNTERS) {
      const family = scraped.get(definition.prometheusName);
      expect(family?.type, definition.prometheusName).toBe("COUNTER");
      expect(family?.help).toBe(definition.description);
      expect(family?.metrics).toHaveLength(1);
      expect(Number(family?.metrics[0]?.value)).toBe(snapshot[definition.counter]);
      expect(family?.metrics[0]?.labels).toMatchObject({
        papyra_backend: "json",
        papyra_store: path,
      });
    }
    expect(Number(scraped.get("papyra_records_written_total")?.metrics[0]?.value)).toBe(12);
    expect(Number(scraped.get("papyra_records_read_total")?.metrics[0]?.value)).toBe(5);
    await store.close();
  });

  it("names, types, help and papyra labels agree with renderPrometheusText (one set of alert rules)", async () => {
    // A directory name that needs escaping in a label value: quotes and a backslash.
    const odd = join(dir, 'orders "eu" \\ 1');
    await mkdir(odd);
    const path = join(odd, "store.ndjson");
    const { backend: store, attributes } = instrumentBackend(await openJsonStore({ path }), {
      meterProvider: provider,
    });
    for (let id = 1; id <= 3; id++) await store.recordEvent(event(id));
    const scraped = papyraFamilies(await (await fetch(url)).text());
    const rendered = papyraFamilies(
      renderPrometheusText(store.metrics.snapshot(), {
        backend: String(attributes["papyra.backend"]),
        store: String(attributes["papyra.store"]),
      }),
    );
    expect([...rendered.keys()].sort()).toEqual([...scraped.keys()].sort());
    expect(rendered.get("papyra_records_written_total")?.metrics[0]?.labels?.papyra_store).toBe(
      path,
    );
    for (const [name, family] of rendered) {
      const other = scraped.get(name);
      expect(other?.type).toBe(family.type);
      expect(other?.help).toBe(family.help);
      expect(other?.metrics[0]?.value).toBe(family.metrics[0]?.value);
      const papyraLabels = Object.fromEntries(
        Object.entries(other?.metrics[0]?.labels ?? {}).filter(([key]) =>
          key.startsWith("papyra_"),
        ),
      );
      expect(papyraLabels).toEqual(family.metrics[0]?.labels);
    }
    await store.close();
  });

  it("after close() the scrape no longer reads the store", async () => {
    const bare = await openJsonStore({ path: join(dir, "store.ndjson") });
    const { backend: store } = instrumentBackend(bare, { meterProvider: provider });
    await store.recordEvent(event(1));
    const written = (text: string) =>
      papyraFamilies(text)
        .get("papyra_records_written_total")
        ?.metrics.map((m) => m.value) ?? [];
    expect(written(await (await fetch(url)).text())).toEqual(["1"]);
    await store.close();
    bare.metrics.increment("records_written", 41);
    // The SDK may keep the last cumulative value; it never asks the closed store again.
    expect(written(await (await fetch(url)).text())).not.toContain("42");
  });
});
