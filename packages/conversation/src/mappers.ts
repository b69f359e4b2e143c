import type { Conversation, ConversationState, Message, MessageSender, MessageType } from '@kefu/contracts';
import type { Schema } from '@kefu/platform';
import type { Selectable } from 'kysely';

export type MessageRow = Omit<Selectable<Schema['messages']>, 'tenant_id'>;
export type ConversationRow = Omit<Selectable<Schema['conversations']>, 'tenant_id'>;

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conversationId: r.conversation_id,
  sender: r.sender_type as MessageSender,
  senderId: r.sender_id,
  type: r.type as MessageType,
  text: r.text,
  payload: r.payload ? (JSON.parse(r.payload) as Record<string, unknown>) : null,
  intent: r.intent,
  replyTo: r.reply_to,
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});

export const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  customerId: r.customer_id,
  channel: r.channel,
  state: r.state as ConversationState,
  assigneeId: r.assignee_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastMessageAt: r.last_message_at,
  closedAt: r.closed_at,
});
