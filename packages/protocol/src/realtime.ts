import { z } from 'zod';
import { CallClientMessage, CallServerMessage } from './calls.js';
import { Id } from './common.js';
import { DomainEvent } from './events.js';

/** A topic names what a client listens to; the server checks each subscription against the policy. */
export const Topic = z.union([
  z.templateLiteral(['group:', z.uuid()]),
  z.templateLiteral(['meeting:', z.uuid()]),
  z.templateLiteral(['user:', z.uuid()]),
  z.templateLiteral(['mls:', z.uuid()]),
]);
export type Topic = z.infer<typeof Topic>;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), topic: Topic, requestId: z.string().max(64).optional() }),
  z.strictObject({ type: z.literal('unsubscribe'), topic: Topic }),
  z.strictObject({ type: z.literal('ping'), requestId: z.string().max(64).optional() }),
  // The secure call's signalling rides on the same socket (see calls.ts).
  ...CallClientMessage.options,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** A domain event on a topic the client subscribed to. */
export const EventMessage = z.object({ type: z.literal('event'), topic: Topic, event: DomainEvent });
export type EventMessage = z.infer<typeof EventMessage>;

/** Any server message: `type` says which; call signalling is validated by whoever consumes it. */
export const AnyServerMessage = z.looseObject({ type: z.string() });
export type AnyServerMessage = z.infer<typeof AnyServerMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), userId: Id }),
  z.object({ type: z.literal('subscribed'), topic: Topic, requestId: z.string().optional() }),
  z.object({ type: z.literal('pong'), requestId: z.string().optional() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), requestId: z.string().optional() }),
  EventMessage,
  ...CallServerMessage.options,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
