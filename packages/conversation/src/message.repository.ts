import type { Message, MessageContent, MessageSender } from '@kefu/contracts';
import { newId, type TenantScope } from '@kefu/platform';
import { type MessageRow, toMessage } from './mappers.ts';

export interface NewMessage {
  conversationId: string;
  sender: MessageSender;
  senderId: string | null;
  content: MessageContent;
  idempotencyKey: string | null;
  intent?: string | null;
  replyTo?: string | null;
}

/** The row for a new message; the one place message rows are shaped. */
export function newMessageRow(m: NewMessage, now: number): MessageRow {
  return {
    id: newId(),
    conversation_id: m.conversationId,
    sender_type: m.sender,
    sender_id: m.senderId,
    type: m.content.type,
    text: m.content.text,
    payload: m.content.payload ? JSON.stringify(m.content.payload) : null,
    intent: m.intent ?? null,
    reply_to: m.replyTo ?? null,
    idempotency_key: m.idempotencyKey,
    created_at: now,
  };
}

export class MessageRepository {
  constructor(private readonly scope: TenantScope) {}

  /**
   * Inserts a message unless its sender already sent one with the same idempotency key;
   * returns the stored message and whether it was a duplicate (the original is returned).
   */
  async append(m: NewMessage, now: number): Promise<{ message: Message; duplicate: boolean }> {
    const row = newMessageRow(m, now);
    const inserted = await this.scope
      .insertInto('messages', row)
      .onConflict((oc) => oc.columns(['tenant_id', 'sender_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1)
      return { message: toMessage(row), duplicate: false };
    const original = await this.byIdempotencyKey(m.senderId!, m.idempotencyKey!);
    return { message: original!, duplicate: true };
  }

  async byIdempotencyKey(senderId: string, key: string): Promise<Message | undefined> {
    const row = await this.scope
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', senderId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  async repliesTo(messageId: string): Promise<Message[]> {
    const rows = await this.scope
      .selectFrom('messages')
      .selectAll()
      .where('reply_to', '=', messageId)
      .orderBy('id')
      .execute();
    return rows.map(toMessage);
  }

  /** A page of a conversation, newest first; `before` is the oldest id already seen. */
  async page(conversationId: string, limit: number, before?: string): Promise<Message[]> {
    let q = this.scope
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('id', 'desc')
      .limit(limit);
    if (before) q = q.where('id', '<', before);
    return (await q.execute()).map(toMessage);
  }
}
