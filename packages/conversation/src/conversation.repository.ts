import type { Conversation, ConversationState } from '@kefu/contracts';
import type { TenantScope } from '@kefu/platform';
import { toConversation } from './mappers.ts';

export interface ConversationFilter {
  state?: ConversationState;
  channel?: string;
  assigneeId?: string;
  customerId?: string;
  limit: number;
  /** Id of the last conversation of the previous page (pages go by most recent activity). */
  cursor?: { updatedAt: number; id: string };
}

export class ConversationRepository {
  constructor(private readonly scope: TenantScope) {}

  async byId(id: string): Promise<Conversation | undefined> {
    const row = await this.scope
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toConversation(row);
  }

  async openFor(customerId: string): Promise<Conversation | undefined> {
    const row = await this.scope
      .selectFrom('conversations')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('state', '!=', 'closed')
      .executeTakeFirst();
    return row && toConversation(row);
  }

  async touch(id: string, at: number): Promise<void> {
    await this.scope
      .updateTable('conversations')
      .set({ last_message_at: at, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Marks activity on an open conversation; undefined if it is closed or absent. */
  async touchIfOpen(id: string, at: number): Promise<Conversation | undefined> {
    const row = await this.scope
      .updateTable('conversations')
      .set({ last_message_at: at, updated_at: at })
      .where('id', '=', id)
      .where('state', '!=', 'closed')
      .returningAll()
      .executeTakeFirst();
    return row && toConversation(row);
  }

  /** Moves a conversation only if it is still in `from`; returns the new state or undefined if it had moved on. */
  async transition(
    id: string,
    from: readonly ConversationState[],
    to: ConversationState,
    patch: { assigneeId?: string | null },
    now: number,
  ): Promise<Conversation | undefined> {
    const res = await this.scope
      .updateTable('conversations')
      .set({
        state: to,
        updated_at: now,
        ...(patch.assigneeId !== undefined ? { assignee_id: patch.assigneeId } : {}),
        ...(to === 'closed' ? { closed_at: now } : {}),
      })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return undefined;
    return this.byId(id);
  }

  async list(filter: ConversationFilter): Promise<Conversation[]> {
    let q = this.scope
      .selectFrom('conversations')
      .selectAll()
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.channel) q = q.where('channel', '=', filter.channel);
    if (filter.assigneeId) q = q.where('assignee_id', '=', filter.assigneeId);
    if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
    const cursor = filter.cursor;
    if (cursor) {
      q = q.where((eb) =>
        eb.or([
          eb('updated_at', '<', cursor.updatedAt),
          eb.and([eb('updated_at', '=', cursor.updatedAt), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    return (await q.execute()).map(toConversation);
  }
}
