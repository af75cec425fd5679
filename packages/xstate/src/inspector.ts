import type { DrainResult, Recorder, StartupCheckResult } from "@papyra/core";
import type { InspectionEvent } from "xstate";
import {
  type ActorRefShape,
  ActorRegistry,
  actorIdOf,
  currentError,
  currentStatus,
  isNotRunning,
  type TrackedActor,
} from "./actor-registry.js";
import { describeError, toJsonSafe } from "./json-safe.js";
import type { InspectedEvent, PapyraInspectorOptions, PayloadPolicy } from "./options.js";
import { createSampler } from "./sampler.js";

/** What {@link createPapyraInspector} returns. */
export interface PapyraInspector extends AsyncDisposable {
  /** Pass to `createActor(logic, { inspect })`. Never throws into XState; a no-op after close. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The startup check that ran before any actor could start. */
  readonly startup: StartupCheckResult;
  /** The background recorder (its `metrics` count what was written and dropped). */
  readonly recorder: Recorder;
  /** Dead letters seen since the inspector was created (sampled out ones included). */
  readonly deadLettersSeen: number;
  /** Writes an audit now (it is also written every `auditIntervalMs` and on close). */
  audit(): void;
  /** Waits for what is queued to be written (see Recorder.flush). Never rejects. */
  flush(timeoutMs?: number): Promise<DrainResult>;
  /**
   * Writes a last audit, stops recording and drains within `timeoutMs`. Idempotent; never
   * rejects. The backend stays open: whoever opened it closes it.
   */
  close(timeoutMs?: number): Promise<DrainResult>;
}

type EndStatus = "done" | "error" | "stopped";
type InspectedSnapshot = Extract<InspectionEvent, { type: "@xstate.snapshot" }>;

const isLifecycleRelay = (type: string): boolean =>
  type.startsWith("xstate.error.actor.") || type.startsWith("xstate.done.actor.");

/** Turns XState inspection events into Papyra records; see the package README for the mapping. */
export class XStateInspector implements PapyraInspector {
  readonly inspect: (event: InspectionEvent) => void;
  readonly #registry: ActorRegistry;
  readonly #payloads: PayloadPolicy;
  readonly #keepDeadLetter: () => boolean;
  readonly #keepDelivery: () => boolean;
  readonly #recordDeliveries: boolean;
  readonly #timer: ReturnType<typeof setInterval> | null;
  #deadLetters = 0;
  #closing: Promise<DrainResult> | null = null;

  constructor(
    private readonly options: PapyraInspectorOptions,
    readonly recorder: Recorder,
    readonly startup: StartupCheckResult,
  ) {
    this.#registry = new ActorRegistry(options.systemId, options.maxDeadIds ?? 1000);
    this.#payloads = options.payloads ?? "full";
    this.#keepDeadLetter = createSampler(options.sample?.deadLetters ?? 1);
    this.#keepDelivery = createSampler(options.sample?.deliveries ?? 0);
    this.#recordDeliveries = (options.sample?.deliveries ?? 0) > 0;
    this.inspect = (event) => this.#handle(event);
    const interval = options.auditIntervalMs ?? 60_000;
    this.#timer = interval === false ? null : setInterval(() => this.audit(), interval);
    // Audits alone never keep a process alive.
    (this.#timer as { unref?: () => void } | null)?.unref?.();
  }

  get deadLettersSeen(): number {
    return this.#deadLetters;
  }

  audit(): void {
    try {
      for (const actor of this.#registry.live()) this.#reconcile(actor);
      this.recorder.audit({ ...this.#registry.counts(), dead_letters_count: this.#deadLetters });
    } catch {
      // An audit is never worth an exception in the runtime.
    }
  }

  flush(timeoutMs?: number): Promise<DrainResult> {
    return this.recorder.flush(timeoutMs);
  }

  close(timeoutMs?: number): Promise<DrainResult> {
    if (!this.#closing) {
      if (this.#timer) clearInterval(this.#timer);
      this.audit();
      this.#closing = this.recorder.close(timeoutMs);
    }
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #handle(event: InspectionEvent): void {
    if (this.#closing) return;
    try {
      // Microsteps and actions (most inspection events) cost one read and three comparisons.
      const type = event.type;
      if (type === "@xstate.event") this.#onEvent(event);
      else if (type === "@xstate.snapshot") this.#onSnapshot(event as InspectedSnapshot);
      else if (type === "@xstate.actor") this.#registry.created(event.actorRef as ActorRefShape);
    } catch {
      // Whatever goes wrong here must not reach the actors.
    }
  }

  #onEvent(event: Extract<InspectionEvent, { type: "@xstate.event" }>): void {
    const ref = event.actorRef as ActorRefShape;
    const message = event.event as InspectedEvent;
    if (message.type === "xstate.init") {
      const actor = this.#registry.get(ref) ?? this.#registry.created(ref);
      if (actor.state === "created") this.#start(actor);
      return;
    }
    // Every delivery passes here: the common case reads one field of the target.
    if (isNotRunning(ref)) {
      this.#deadLetter(this.#registry.get(ref), ref, message, event.sourceRef);
      return;
    }
    if (event.sourceRef && isLifecycleRelay(message.type)) {
      // A child that threw inside a transition ends without a snapshot event of its own.
      const source = this.#registry.get(event.sourceRef);
      if (source) this.#reconcile(source);
    }
    if (this.#recordDeliveries && this.#keepDelivery()) {
      this.recorder.event({
        actor_address: this.#address(this.#registry.get(ref), ref),
        event_type: "EventDelivered",
        payload: {
          message_type: message.type,
          event: this.#payload(message),
          sender: this.#sender(event.sourceRef),
        },
      });
    }
  }

  #onSnapshot(event: InspectedSnapshot): void {
    const reported = (event.snapshot as { status?: unknown }).status;
    // The common case, an actor that goes on running, costs two reads.
    if (reported === "active" && !isNotRunning(event.actorRef as ActorRefShape)) return;
    const actor = this.#registry.get(event.actorRef);
    if (!actor || actor.state === "ended") return;
    // An error thrown by a deferred action leaves the reported snapshot active; the actor's own is not.
    const status = reported === "active" ? currentStatus(actor.ref) : reported;
    if (status === "done" || status === "error" || status === "stopped") {
      const error = status === "error" ? (event.snapshot as { error?: unknown }).error : undefined;
      this.#end(actor, status, error ?? currentError(actor.ref));
    }
  }

  /** Ends an actor that no longer runs, whichever way it went. */
  #reconcile(actor: TrackedActor): void {
    if (actor.state !== "alive" || !isNotRunning(actor.ref)) return;
    const status = currentStatus(actor.ref);
    const end: EndStatus = status === "done" || status === "error" ? status : "stopped";
    this.#end(actor, end, end === "error" ? currentError(actor.ref) : undefined);
  }

  #start(actor: TrackedActor): void {
    const restarted = this.#registry.started(actor);
    this.recorder.event({
      actor_address: this.#address(actor, actor.ref),
      event_type: restarted ? "ActorRestarted" : "ActorStarted",
      payload: {
        session_id: actor.sessionId,
        parent: actor.parent ? this.#registry.printed(actor.parent.actorId) : null,
      },
    });
  }

  #end(actor: TrackedActor, status: EndStatus, error: unknown): void {
    if (actor.state === "ended") return;
    if (actor.state === "created") actor.actorId = actorIdOf(actor);
    this.#registry.ended(actor);
    const address = this.#address(actor, actor.ref);
    const session_id = actor.sessionId;
    if (status === "error") {
      this.recorder.event({
        actor_address: address,
        event_type: "ActorCrashed",
        payload: { session_id, error: describeError(error) },
      });
    } else {
      this.recorder.event({
        actor_address: address,
        event_type: "ActorStopped",
        payload: { session_id, reason: status },
      });
    }
  }

  #deadLetter(
    actor: TrackedActor | undefined,
    ref: ActorRefShape,
    message: InspectedEvent,
    source: unknown,
  ): void {
    this.#deadLetters++;
    if (!this.#keepDeadLetter()) return;
    this.recorder.deadLetter({
      target: this.#address(actor, ref),
      message_type: message.type,
      payload: this.#payload(message),
      sender: this.#sender(source),
    });
  }

  #address(actor: TrackedActor | undefined, ref: ActorRefShape) {
    const actorId = actor?.actorId ?? (typeof ref.id === "string" ? ref.id : ref.sessionId);
    return { system: this.options.systemId, actor_id: actorId };
  }

  #sender(source: unknown): string | null {
    if (typeof source !== "object" || source === null) return null;
    const actor = this.#registry.get(source);
    return actor ? this.#registry.printed(actor.actorId) : null;
  }

  #payload(message: InspectedEvent): unknown {
    const policy = this.#payloads;
    if (policy === "full") return toJsonSafe(message);
    if (policy === "omit") return { type: message.type };
    try {
      return toJsonSafe(policy(message));
    } catch {
      return null;
    }
  }
}
