import { z } from 'zod';
import type { Conversation, Message } from './conversation.ts';
import { IdempotencyKey, MessageContent } from './conversation.ts';
import type { ErrorBody } from './errors.ts';

/** Frames a customer socket sends. */
export const CustomerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.send'), idempotencyKey: IdempotencyKey, message: MessageContent }),
  z.object({ type: z.literal('ping') }),
]);
export type CustomerFrame = z.infer<typeof CustomerFrame>;

/** Frames an agent socket sends. */
export const AgentFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message.send'),
    conversationId: z.string().min(1),
    idempotencyKey: IdempotencyKey,
    message: MessageContent,
  }),
  z.object({ type: z.literal('ping') }),
]);
export type AgentFrame = z.infer<typeof AgentFrame>;

/** Frames the server sends to either socket. */
export type ServerFrame =
  | { type: 'ready'; conversationId?: string | null }
  | { type: 'ack'; idempotencyKey: string; message: Message; duplicate: boolean }
  | { type: 'message'; message: Message }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'pong' }
  | ({ type: 'error'; idempotencyKey?: string } & ErrorBody);
