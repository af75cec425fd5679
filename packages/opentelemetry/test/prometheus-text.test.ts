import { emptyMetrics, METRIC_NAMES } from "@papyra/core";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import {
  PAPYRA_COUNTERS,
  PROMETHEUS_BACKEND_LABEL,
  PROMETHEUS_STORE_LABEL,
  renderPrometheusText,
} from "../src/index.js";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function counters(): Record<string, number> {
  const out: Record<string, number> = emptyMetrics();
  METRIC_NAMES.forEach((name, index) => {
    out[name] = (index + 1) * 1000 + 7;
  });
  return out;
}

describe("renderPrometheusText", () => {
  it("writes the 11 counters as counter families a Prometheus parser reads back exactly", () => {
    const values = counters();
    const text = renderPrometheusText(values, {
      backend: "json",
      store: "/var/lib/app/papyra.ndjson",
    });
    const families = parsePrometheusTextFormat(text);
    expect(families.map((f) => f.name)).toEqual(METRIC_NAMES.map((n) => `papyra_${n}_total`));
    for (const family of families) {
      expect(family.name).toMatch(METRIC_NAME);
      expect(family.type).toBe("COUNTER");
      expect(family.help.length).toBeGreaterThan(0);
      expect(family.metrics).toHaveLength(1);
      const counter = family.name.slice("papyra_".length, -"_total".length);
      expect(Number(family.metrics[0]?.value)).toBe(values[counter]);
      expect(family.metrics[0]?.labels).toEqual({
        papyra_backend: "json",
        papyra_store: "/var/lib/app/papyra.ndjson",
      });
      expect(family.metrics[0]?.timestamp_ms).toBeUndefined();
    }
    expect(text.endsWith("\n")).toBe(true);
    // One HELP and one TYPE per family, HELP first, then the sample (the text format's order).
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(33);
    for (let i = 0; i < lines.length; i += 3) {
      const name = PAPYRA_COUNTERS[i / 3]?.prometheusName;
      expect(lines[i]).toMatch(new RegExp(`^# HELP ${name} \\S`));
      expect(lines[i + 1]).toBe(`# TYPE ${name} counter`);
      expect(lines[i + 2]?.startsWith(`${name}{`)).toBe(true);
    }
  });

  it("escapes label values (backslash, quote, newline) so that they parse back unchanged", () => {
    const store = 'C:\\data\\"papyra"\nstore.ndjson';
    const text = renderPrometheusText(emptyMetrics(), {
      backend: "rotating",
      store,
      extra: { role: 'primary "a"', zone: "eu\\1" },
    });
    for (const family of parsePrometheusTextFormat(text)) {
      expect(family.metrics[0]?.labels).toEqual({
        papyra_backend: "rotating",
        papyra_store: store,
        role: 'primary "a"',
        zone: "eu\\1",
      });
      for (const name of Object.keys(family.metrics[0]?.labels ?? {})) {
        expect(name).toMatch(LABEL_NAME);
      }
    }
    // Every sample stays on one line: a newline in a value must not split it.
    expect(text.trimEnd().split("\n")).toHaveLength(33);
  });

  it("masks the password of a store URL in the store label", () => {
    const text = renderPrometheusText(emptyMetrics(), {
      backend: "redis",
      store: "redis://app:s3cr3t-pass@10.0.0.5:6379/0",
    });
    expect(text).not.toContain("s3cr3t-pass");
    const [first] = parsePrometheusTextFormat(text);
    expect(first?.metrics[0]?.labels?.[PROMETHEUS_STORE_LABEL]).toBe(
      "redis://app:***@10.0.0.5:6379/0",
    );
    expect(first?.metrics[0]?.labels?.[PROMETHEUS_BACKEND_LABEL]).toBe("redis");
  });

  it("writes a missing counter as 0, ignores unknown keys, and keeps big integers exact", () => {
    const text = renderPrometheusText(
      { records_written: 2 ** 53 - 1, not_a_counter: 5 },
      { backend: "json", store: "x" },
    );
    const byName = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    expect(byName.size).toBe(11);
    expect(byName.get("papyra_records_written_total")?.metrics[0]?.value).toBe("9007199254740991");
    expect(byName.get("papyra_write_errors_total")?.metrics[0]?.value).toBe("0");
    expect(text).not.toContain("not_a_counter");
  });

  it("refuses negative or non-finite counters and bad labels with a validation error naming them", () => {
    const labels = { backend: "json", store: "x" };
    const cases: Array<[() => unknown, RegExp]> = [
      [
        () => renderPrometheusText({ write_errors: -1 }, labels),
        /write_errors: must not be negative/,
      ],
      [
        () => renderPrometheusText({ records_read: Number.NaN }, labels),
        /records_read: must be a finite/,
      ],
      [() => renderPrometheusText({ bytes_written: Infinity }, labels), /bytes_written/],
      [
        () => renderPrometheusText({}, { backend: "", store: "x" }),
        /backend: must name the backend/,
      ],
      [() => renderPrometheusText({}, { ...labels, extra: { "bad-name": "v" } }), /bad-name/],
      [() => renderPrometheusText({}, { ...labels, extra: { __name__: "v" } }), /__name__/],
      [() => renderPrometheusText({}, { ...labels, extra: { papyra_store: "v" } }), /papyra_store/],
    ];
    for (const [render, message] of cases) {
      const error = (() => {
        try {
          render();
        } catch (caught) {
          return caught;
        }
        return null;
      })();
      expect(error, String(message)).toMatchObject({ code: "PAPYRA_VALIDATION" });
      expect((error as Error).message).toMatch(message);
    }
  });
});
