import { openJsonStore } from "@papyra/backend-json";
import { createPapyraInspector } from "@papyra/xstate";
import { type AnyActorRef, createActor, waitFor } from "xstate";
import { orderWorkflow } from "./order-workflow.js";

const path = process.env.PAPYRA_PATH ?? "./papyra.ndjson";
await using store = await openJsonStore({ path });

// The startup check runs first: on a damaged store this rejects and no actor starts.
const inspector = await createPapyraInspector({
  backend: store,
  systemId: "shop",
  startup: "recover",
  auditIntervalMs: 5_000,
  // Card numbers and signatures stay out of the store.
  payloads: ({ type }) => ({ type }),
});

const order = createActor(orderWorkflow, {
  id: "order-1001",
  input: { orderId: "1001", items: 3 },
  inspect: inspector.inspect,
});
order.start();

// The payment actor fails once and is started again; then the order reserves and ships.
await waitFor(order, (snapshot) => snapshot.matches("shipping"));
const parcel = order.getSnapshot().children.shipping as AnyActorRef;
order.send({ type: "COURIER", update: { type: "DISPATCHED" } });
order.send({ type: "COURIER", update: { type: "DELIVERED", signedBy: "R. Diaz" } });
await waitFor(order, (snapshot) => snapshot.status === "done");

// The courier's webhook retries after the parcel's actor has finished: a dead letter.
parcel.send({ type: "DELIVERED", signedBy: "R. Diaz" });

const drained = await inspector.close(); // writes a last audit and drains the queue
const metrics = inspector.recorder.metrics.snapshot();
console.log(
  `order ${order.getSnapshot().status}; ${metrics.recorder_records_written} records written to ${path}` +
    ` (${metrics.recorder_records_dropped} dropped${drained.drained ? "" : ", not all drained"})`,
);
