import { z } from 'zod';

export const MAX_TEXT_LENGTH = 8000;

export const conversationStates = ['bot', 'queued', 'with_agent', 'closed'] as const;
export const ConversationState = z.enum(conversationStates);
export type ConversationState = z.infer<typeof ConversationState>;

export const messageSenders = ['customer', 'bot', 'agent', 'system'] as const;
export const MessageSender = z.enum(messageSenders);
export type MessageSender = z.infer<typeof MessageSender>;

export const messageTypes = ['text', 'image', 'card', 'event'] as const;
export const MessageType = z.enum(messageTypes);
export type MessageType = z.infer<typeof MessageType>;

/** A channel name: web, wechat, wecom, api, or a marketplace's own name. */
export const ChannelName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,31}$/,
    'lower-case letters, digits, "-" or "_", at most 32, starting with a letter',
  );

export const IdempotencyKey = z.string().min(1).max(128);

/** The content a sender puts in a message; text is required for text messages. */
export const MessageContent = z
  .object({
    type: MessageType.default('text'),
    text: z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`).default(''),
    payload: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((m) => m.type !== 'text' || m.text.trim().length > 0, {
    message: 'text must not be empty for a text message',
    path: ['text'],
  });
export type MessageContent = z.infer<typeof MessageContent>;

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  sender: MessageSender,
  senderId: z.string().nullable(),
  type: MessageType,
  text: z.string(),
  payload: z.record(z.string(), z.unknown()).nullable(),
  intent: z.string().nullable(),
  replyTo: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  createdAt: z.number().int(),
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
  id: z.string(),
  customerId: z.string(),
  channel: z.string(),
  state: ConversationState,
  assigneeId: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  lastMessageAt: z.number().int().nullable(),
  closedAt: z.number().int().nullable(),
});
export type Conversation = z.infer<typeof Conversation>;

export const Customer = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  createdAt: z.number().int(),
  identities: z.array(z.object({ channel: z.string(), externalId: z.string() })),
});
export type Customer = z.infer<typeof Customer>;

/** A bot reply as returned by `POST /api/v1/inbound`. */
export const BotReply = z.object({
  messageId: z.string(),
  type: MessageType,
  text: z.string(),
  payload: z.record(z.string(), z.unknown()).nullable(),
  intent: z.string().nullable(),
});
export type BotReply = z.infer<typeof BotReply>;
