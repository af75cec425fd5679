import { Cluster } from "ioredis";
import type { StoreContext } from "./context.js";
import type { RedisClient } from "./options.js";

type NodeClient = Exclude<RedisClient, Cluster>;

async function persistenceWarning(node: NodeClient, name: string): Promise<string | null> {
  let save: string | undefined;
  let appendonly: string | undefined;
  try {
    const reply = (await node.config("GET", "save")) as string[];
    save = reply[1];
    const aof = (await node.config("GET", "appendonly")) as string[];
    appendonly = aof[1];
  } catch {
    // CONFIG may be disabled or denied by ACL; INFO persistence tells about AOF at least.
    try {
      const info = await node.info("persistence");
      if (/^aof_enabled:1/m.test(info)) return null;
      return `Redis at ${name}: could not read the RDB snapshot settings (CONFIG GET denied) and AOF is off; if RDB snapshots are off too, a restart loses every record.`;
    } catch (error) {
      return `Redis at ${name}: could not check persistence settings (${(error as Error).message}).`;
    }
  }
  if (appendonly === "yes" || (save !== undefined && save.trim() !== "")) return null;
  return `Redis at ${name} keeps nothing on disk (no AOF and no RDB snapshots): a restart loses every record. Enable appendonly yes (recommended: appendfsync everysec) or configure save.`;
}

/**
 * Human warnings about the server's setup, for `doctor`: currently, a server that keeps nothing
 * on disk (CONFIG GET save/appendonly, falling back to INFO persistence). On a Cluster every
 * master is checked. Never throws.
 */
export async function serverDiagnostics(context: StoreContext): Promise<string[]> {
  const { client } = context;
  try {
    await context.ready();
    const nodes: [NodeClient, string][] =
      client instanceof Cluster
        ? client
            .nodes("master")
            .map(
              (node) => [node, `${node.options.host}:${node.options.port}`] as [NodeClient, string],
            )
        : [[client, context.location]];
    const warnings: string[] = [];
    for (const [node, name] of nodes) {
      const warning = await persistenceWarning(node, name);
      if (warning) warnings.push(warning);
    }
    return warnings;
  } catch (error) {
    return [`Could not check Redis at ${context.location}: ${(error as Error).message}`];
  }
}
