import { describe, expect, it } from "vitest";
import { addressOf, formatAddress } from "../src/index.js";

const pythonRef = {
  _rid: 1,
  _mailbox_put: "<bound method Mailbox.put of <papyra.mailbox.Mailbox object at 0x7f>>",
  _address: { system: "edge", actor_id: 1 },
};

describe("formatAddress", () => {
  it("prints every stored shape sensibly", () => {
    const cases: [unknown, string][] = [
      ["local:worker-1", "local:worker-1"],
      [{ system: "local", actor_id: 7 }, "local:7"],
      [{ system: "local", actor_id: "named", region: "eu" }, "local:named"],
      [pythonRef, "edge:1"],
      [{ _rid: 2, _address: "edge:2" }, "edge:2"],
      [7, "7"],
      [18446744073709552000, "18446744073709552000"],
      [null, "-"],
      [undefined, "-"],
      [true, "true"],
      [["a", 1], '["a",1]'],
      [{ _rid: 3 }, '{"_rid":3}'],
      [{ system: "s", actor_id: Number.NaN }, '{"system":"s","actor_id":null}'],
      [10n, "10"],
    ];
    for (const [value, printed] of cases) expect(formatAddress(value), printed).toBe(printed);
  });

  it("never throws", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const wrappers: Record<string, unknown> = {};
    wrappers._address = wrappers;
    for (const value of [cycle, wrappers, Symbol("s"), () => 1]) {
      expect(() => formatAddress(value)).not.toThrow();
    }
  });
});

describe("addressOf", () => {
  it("returns the address a stored value names, or null", () => {
    expect(addressOf("local:1")).toBe("local:1");
    expect(addressOf({ system: "local", actor_id: 1 })).toEqual({ system: "local", actor_id: 1 });
    expect(addressOf(pythonRef)).toEqual({ system: "edge", actor_id: 1 });
    for (const value of [7, null, undefined, [], { _rid: 1 }, { system: "s" }, true]) {
      expect(addressOf(value), String(value)).toBeNull();
    }
  });
});
