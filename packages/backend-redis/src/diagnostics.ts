import { Cluster } from "ioredis";
import type { RedisCall, StoreContext } from "./context.js";
import type { RedisClient } from "./options.js";
import { configValue } from "./replies.js";
import { safeMessage } from "./safe-error.js";

type NodeClient = Exclude<RedisClient, Cluster>;

/** Sends a command to one node (the client itself, or a master of a cluster) via the gate. */
type NodeCall = <T>(command: (node: NodeClient) => Promise<T>) => Promise<T>;

async function persistenceWarning(
  call: NodeCall,
  name: string,
  context: StoreContext,
): Promise<string | null> {
  let save: string | undefined;
  let appendonly: string | undefined;
  try {
    save = configValue(await call((node) => node.config("GET", "save")), "save");
    appendonly = configValue(await call((node) => node.config("GET", "appendonly")), "appendonly");
  } catch {
    // CONFIG may be disabled or denied by ACL; INFO persistence tells about AOF at least.
    try {
      const info = String(await call((node) => node.info("persistence")));
      if (/^aof_enabled:1/m.test(info)) return null;
      return `Redis at ${name}: could not read the RDB snapshot settings (CONFIG GET denied) and AOF is off; if RDB snapshots are off too, a restart loses every record.`;
    } catch (error) {
      return `Redis at ${name}: could not check persistence settings (${safeMessage(error, context.secrets)}).`;
    }
  }
  if (appendonly === "yes" || (save !== undefined && save.trim() !== "")) return null;
  return `Redis at ${name} keeps nothing on disk (no AOF and no RDB snapshots): a restart loses every record. Enable appendonly yes (recommended: appendfsync everysec) or configure save.`;
}

function onNode<T>(call: RedisCall, command: (node: NodeClient) => Promise<T>): Promise<T> {
  return call((client) => command(client as NodeClient));
}

/**
 * Human warnings about the server's setup, for `doctor`: currently, a server that keeps nothing
 * on disk (CONFIG GET save/appendonly, falling back to INFO persistence). On a Cluster every
 * master is checked. Never throws.
 */
export async function serverDiagnostics(context: StoreContext): Promise<string[]> {
  const { client, call } = context;
  try {
    // On a cluster the node list is only known once connected.
    if (client instanceof Cluster) await call((c) => c.ping());
    const nodes: [NodeCall, string][] =
      client instanceof Cluster
        ? client
            .nodes("master")
            .map((node) => [
              <T>(command: (n: NodeClient) => Promise<T>) => call(() => command(node)),
              `${node.options.host}:${node.options.port}`,
            ])
        : [
            [
              <T>(command: (n: NodeClient) => Promise<T>) => onNode(call, command),
              context.location,
            ],
          ];
    const warnings: string[] = [];
    for (const [nodeCall, name] of nodes) {
      const warning = await persistenceWarning(nodeCall, name, context);
      if (warning) warnings.push(warning);
    }
    return warnings;
  } catch (error) {
    return [`Could not check Redis at ${context.location}: ${safeMessage(error, context.secrets)}`];
  }
}
