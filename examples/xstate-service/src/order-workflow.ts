import { assign, fromPromise, sendTo, setup } from "xstate";

/** Charges the card. The issuer declines the first attempt of this example's order. */
const payment = fromPromise<{ receipt: string }, { orderId: string; attempt: number }>(
  async ({ input }) => {
    if (input.attempt === 1) throw new Error("card declined by issuer (retry allowed)");
    return { receipt: `rcpt-${input.orderId}-${input.attempt}` };
  },
);

/** Reserves the items. */
const inventory = fromPromise<{ reserved: number }, { items: number }>(async ({ input }) => ({
  reserved: input.items,
}));

/** Follows the parcel: the courier reports DISPATCHED, then DELIVERED. */
const shipping = setup({
  types: { events: {} as { type: "DISPATCHED" } | { type: "DELIVERED"; signedBy: string } },
}).createMachine({
  id: "shipping",
  initial: "booked",
  states: {
    booked: { on: { DISPATCHED: "inTransit" } },
    inTransit: { on: { DELIVERED: "delivered" } },
    delivered: { type: "final" },
  },
});

/** What the courier's webhook posts to the order. */
export type CourierUpdate = { type: "DISPATCHED" } | { type: "DELIVERED"; signedBy: string };

/**
 * An order: pay (retried once when the payment actor fails), reserve, ship, done. Each step is a
 * child actor invoked by the order, so each has its own lifecycle in the store.
 */
export const orderWorkflow = setup({
  types: {
    input: {} as { orderId: string; items: number },
    context: {} as { orderId: string; items: number; attempt: number; receipt: string | null },
    events: {} as { type: "COURIER"; update: CourierUpdate },
  },
  actors: { payment, inventory, shipping },
}).createMachine({
  id: "order",
  context: ({ input }) => ({ ...input, attempt: 1, receipt: null }),
  initial: "paying",
  states: {
    paying: {
      invoke: {
        id: "payment",
        src: "payment",
        input: ({ context }) => ({ orderId: context.orderId, attempt: context.attempt }),
        onDone: {
          target: "reserving",
          actions: assign({ receipt: ({ event }) => event.output.receipt }),
        },
        // Re-entering the state starts a new payment actor under the same id: a restart.
        onError: {
          target: "paying",
          reenter: true,
          actions: assign({ attempt: ({ context }) => context.attempt + 1 }),
        },
      },
    },
    reserving: {
      invoke: {
        id: "inventory",
        src: "inventory",
        input: ({ context }) => ({ items: context.items }),
        onDone: "shipping",
      },
    },
    shipping: {
      invoke: { id: "shipping", src: "shipping", onDone: "completed" },
      on: { COURIER: { actions: sendTo("shipping", ({ event }) => event.update) } },
    },
    completed: { type: "final" },
  },
});
