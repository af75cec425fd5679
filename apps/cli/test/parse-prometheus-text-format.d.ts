// Types for parse-prometheus-text-format (the package ships none): a port of the Prometheus
// client's text-format parser, used by the tests to read what the exporter and renderer write.
declare module "parse-prometheus-text-format" {
  /** One sample of a counter or gauge family. */
  export interface ParsedSample {
    value: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
  }
  /** One metric family, as prom2json prints it. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: string;
    metrics: ParsedSample[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
