import { describe, expect, it } from "vitest";
import { type DecodedLine, decodeLine, decodeValue } from "../src/index.js";

// decodeLine strips a leading `kind` from the text before parsing; it must classify every
// line exactly as a plain JSON.parse + decodeValue would.
function reference(text: string): DecodedLine {
  if (/^[ \t\r\n]*$/.test(text)) return { type: "blank" };
  try {
    return decodeValue(JSON.parse(text));
  } catch {
    return { type: "corrupt", detail: "" };
  }
}

function shape(decoded: DecodedLine): unknown {
  if (decoded.type === "corrupt" || decoded.type === "invalid") return { type: decoded.type };
  return decoded;
}

const body = '"system_id":"s","actor_address":"s:1","event_type":"E","payload":{},"timestamp":1.5';
const lines = [
  `{"kind":"event",${body}}`,
  `{"kind": "event", ${body.replaceAll(",", ", ").replaceAll(":", ": ")}}`,
  `{"kind":"event",}`,
  `{"kind":"event",${body},}`,
  `{"kind":"event",  ${body}}`,
  `{"kind":"event",${body},"kind":"audit"}`,
  `{"kind":"event",${body},"kind":"mystery"}`,
  `{"kind":"mystery",${body}}`,
  `{"kind":"snapshot_v2",${body}}`,
  `{"kind":"event","timestamp":"x"}`,
  `{"kind":"event",${body}} trailing`,
  `{"kind":"event",${body}`,
  `{"kind":"event","__proto__":{"polluted":1},${body}}`,
  `{"kind":"audit",${body}}`,
  `{"kind":"dead_letter","system_id":"s","target":null,"message_type":"m","payload":[1],"timestamp":2}`,
  `{"kind":"event"}`,
  `{"kind":"event",${body.replace('"timestamp":1.5', '"timestamp":1.5,"extra":{"kind":"x"}')}}`,
];

describe("decodeLine's kind-first fast path", () => {
  it("classifies every line as JSON.parse + decodeValue does", () => {
    for (const line of lines) {
      expect(shape(decodeLine(line)), line).toEqual(shape(reference(line)));
    }
  });

  it("returns records without `kind` and never changes a prototype", () => {
    const decoded = decodeLine(`{"kind":"event","__proto__":{"polluted":1},${body}}`);
    expect(decoded.type).toBe("record");
    if (decoded.type !== "record") return;
    expect(Object.hasOwn(decoded.record, "kind")).toBe(false);
    expect(Object.hasOwn(decoded.record, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(decoded.record)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
