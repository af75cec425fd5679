import { describe, expect, it } from "vitest";
import { RedisServer, randomInt, seededRandom } from "../src/index.js";

describe("seededRandom", () => {
  it("gives the same numbers for the same seed, in [0, 1), and others for another seed", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const n = randomInt(random, 3, 5);
      expect([3, 4, 5]).toContain(n);
    }
  });
});

describe("RedisServer", () => {
  it("starts on a free loopback port (never 6379), answers, and is gone after stop()", async () => {
    const server = await RedisServer.start();
    try {
      expect(server.port).not.toBe(6379);
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(server.cli("PING").trim()).toBe("PONG");
    } finally {
      await server.stop();
    }
    expect(() => server.cli("PING")).toThrow();
  }, 60_000);
});
