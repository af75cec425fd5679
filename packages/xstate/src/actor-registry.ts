/** What the inspector reads of an XState actor reference, all of it defensively. */
export interface ActorRefShape {
  sessionId: string;
  id?: unknown;
  systemId?: unknown;
  _parent?: unknown;
  _processingStatus?: unknown;
  logic?: unknown;
  getSnapshot?: () => unknown;
}

/** An actor as the inspector knows it. */
export interface TrackedActor {
  readonly ref: ActorRefShape;
  readonly sessionId: string;
  readonly parent: TrackedActor | null;
  /** `created` until its init event, `alive` while it runs, `ended` once done, crashed or stopped. */
  state: "created" | "alive" | "ended";
  /** The readable id (see {@link actorIdOf}); final once the actor starts. */
  actorId: string;
}

/** The audit figures the inspector computes from what it saw. */
export interface AuditCounts {
  total_actors: number;
  alive_actors: number;
  stopping_actors: number;
  restarting_actors: number;
  registry_size: number;
  registry_orphans: string[];
  registry_dead: string[];
}

/** XState's `ProcessingStatus.Stopped` (a value @xstate/react relies on as well). */
const PROCESSING_STOPPED = 2;

/** The status of the actor's current snapshot (`active`, `done`, `error`, `stopped`), or null. */
export function currentStatus(ref: ActorRefShape): string | null {
  try {
    const status = (ref.getSnapshot?.() as { status?: unknown } | undefined)?.status;
    return typeof status === "string" ? status : null;
  } catch {
    return null;
  }
}

/** The error of an actor whose snapshot is in `error` status. */
export function currentError(ref: ActorRefShape): unknown {
  try {
    return (ref.getSnapshot?.() as { error?: unknown } | undefined)?.error;
  } catch {
    return undefined;
  }
}

/**
 * True when the actor no longer takes events (XState drops what is sent to it). XState's own
 * processing status decides, as it does in `Actor._send`; the snapshot status stands in for
 * actor references that do not expose it.
 */
export function isNotRunning(ref: ActorRefShape): boolean {
  const processing = ref._processingStatus;
  if (typeof processing === "number") return processing === PROCESSING_STOPPED;
  const status = currentStatus(ref);
  return status !== null && status !== "active";
}

function logicId(ref: ActorRefShape): string | null {
  const id = (ref.logic as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id !== "" ? id : null;
}

/**
 * A stable, readable id: the actor's system id when it has one (unique in the system), else the
 * path of ids from the root (`order/payment`). The root without an explicit id is named by its
 * machine's id. Actors XState named only by session id (`x:7`) keep that: nothing stabler exists.
 */
export function actorIdOf(actor: TrackedActor): string {
  const { ref } = actor;
  if (typeof ref.systemId === "string" && ref.systemId !== "") return ref.systemId;
  const explicit = typeof ref.id === "string" && ref.id !== ref.sessionId ? ref.id : null;
  if (!actor.parent) return explicit ?? logicId(ref) ?? ref.sessionId;
  return `${actor.parent.actorId}/${explicit ?? ref.sessionId}`;
}

/** Every actor the inspector has seen that has not ended, and the ids of those that ended. */
export class ActorRegistry {
  readonly #byRef = new WeakMap<object, TrackedActor>();
  readonly #live = new Map<string, TrackedActor>();
  /** Ended ids, oldest first, bounded by `maxDeadIds`. */
  readonly #dead = new Set<string>();

  constructor(
    private readonly systemId: string,
    private readonly maxDeadIds: number,
  ) {}

  /** Starts tracking a newly created actor. */
  created(ref: ActorRefShape): TrackedActor {
    const parentRef = ref._parent;
    const parent =
      typeof parentRef === "object" && parentRef !== null
        ? (this.#byRef.get(parentRef) ?? null)
        : null;
    const actor: TrackedActor = {
      ref,
      sessionId: ref.sessionId,
      parent,
      state: "created",
      actorId: ref.sessionId,
    };
    this.#byRef.set(ref, actor);
    this.#live.set(ref.sessionId, actor);
    return actor;
  }

  /** The tracked actor of a reference, if the inspector saw it created. */
  get(ref: object): TrackedActor | undefined {
    return this.#byRef.get(ref);
  }

  /** Marks an actor running and fixes its id; true when the id is that of an ended actor. */
  started(actor: TrackedActor): boolean {
    actor.actorId = actorIdOf(actor);
    actor.state = "alive";
    return this.#dead.delete(actor.actorId);
  }

  /** Marks an actor ended and remembers its id. */
  ended(actor: TrackedActor): void {
    actor.state = "ended";
    this.#live.delete(actor.sessionId);
    if (this.maxDeadIds === 0) return;
    this.#dead.delete(actor.actorId);
    this.#dead.add(actor.actorId);
    if (this.#dead.size > this.maxDeadIds) {
      const oldest = this.#dead.values().next().value;
      if (oldest !== undefined) this.#dead.delete(oldest);
    }
  }

  /** The actors created or running now. */
  live(): TrackedActor[] {
    return [...this.#live.values()];
  }

  /** `system:actor_id`, as Papyra prints addresses. */
  printed(actorId: string): string {
    return `${this.systemId}:${actorId}`;
  }

  /** The audit figures now (call after reconciling statuses). */
  counts(): AuditCounts {
    let alive = 0;
    let waiting = 0;
    let stopping = 0;
    let restarting = 0;
    let registry = 0;
    const orphans: string[] = [];
    for (const actor of this.#live.values()) {
      if (actor.state === "created") {
        if (actor.ref._processingStatus === PROCESSING_STOPPED) stopping++;
        else if (this.#dead.has(actorIdOf(actor))) restarting++;
        else waiting++;
        continue;
      }
      alive++;
      if (typeof actor.ref.systemId === "string") registry++;
      if (actor.parent?.state === "ended") orphans.push(this.printed(actor.actorId));
    }
    return {
      total_actors: alive + waiting + stopping + restarting,
      alive_actors: alive,
      stopping_actors: stopping,
      restarting_actors: restarting,
      registry_size: registry,
      registry_orphans: orphans,
      registry_dead: [...this.#dead].map((id) => this.printed(id)),
    };
  }
}
