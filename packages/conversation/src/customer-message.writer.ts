import type { Conversation, Message, MessageContent } from '@kefu/contracts';
import { newId, type Schema, TenantScope } from '@kefu/platform';
import { type Kysely, sql } from 'kysely';
import { type ConversationRow, toConversation, toMessage } from './mappers.ts';
import { MessageRepository, newMessageRow } from './message.repository.ts';

export interface CustomerMessageJob {
  tenantId: string;
  customerId: string;
  channel: string;
  idempotencyKey: string;
  content: MessageContent;
}

export interface StoredCustomerMessage {
  message: Message;
  /** The conversation the message went into, as of the commit (undefined for a duplicate). */
  conversation: Conversation | undefined;
  /** True for the message that opened a new conversation. */
  created: boolean;
  duplicate: boolean;
}

interface Pending {
  job: CustomerMessageJob;
  resolve(result: StoredCustomerMessage): void;
  reject(err: unknown): void;
}

// Bounded by the bind-parameter limits: 12 per message row (SQLite allows 32,766).
const MAX_BATCH = 2000;

/**
 * Group commit for shopper messages, the hot path: messages that arrive while a write
 * is in flight are stored together in the next transaction with a handful of set-based
 * statements (look up retried keys, find or open conversations, insert, touch), instead
 * of one transaction of four statements each. Batches run one at a time, in arrival
 * order, so a shopper's messages are stored in the order they were sent; every caller
 * is answered only after its batch has committed. Measured in bench/ws-roundtrip.
 */
export class CustomerMessageWriter {
  private queue: Pending[] = [];
  private busy = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly db: Kysely<Schema>) {}

  write(job: CustomerMessageJob): Promise<StoredCustomerMessage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every message handed in so far is committed (or failed): for shutdown. */
  drain(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.busy) return;
    if (this.queue.length === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      return;
    }
    this.busy = true;
    // setImmediate, not a microtask: let the sockets deliver everything already received first.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    try {
      const results = await this.db.transaction().execute((trx) =>
        storeBatch(
          trx,
          batch.map((p) => p.job),
        ),
      );
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch (err) {
      // One bad message must not fail its neighbours: retry each alone so only it fails.
      if (batch.length === 1) batch[0]!.reject(err);
      else {
        for (const p of batch) {
          try {
            const [result] = await this.db.transaction().execute((trx) => storeBatch(trx, [p.job]));
            p.resolve(result!);
          } catch (e) {
            p.reject(e);
          }
        }
      }
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}

const idemKey = (tenantId: string, senderId: string, key: string) =>
  `${tenantId}\u0000${senderId}\u0000${key}`;
const keyOf = (j: CustomerMessageJob) => idemKey(j.tenantId, j.customerId, j.idempotencyKey);
const duplicateOf = (message: Message): StoredCustomerMessage => ({
  message,
  conversation: undefined,
  created: false,
  duplicate: true,
});

async function storeBatch(trx: Kysely<Schema>, jobs: CustomerMessageJob[]): Promise<StoredCustomerMessage[]> {
  const results = new Map<string, StoredCustomerMessage>();
  const byTenant = new Map<string, CustomerMessageJob[]>();
  for (const job of jobs) {
    const list = byTenant.get(job.tenantId) ?? [];
    byTenant.set(job.tenantId, list);
    list.push(job);
  }
  for (const [tenantId, tenantJobs] of byTenant) {
    await storeTenantBatch(new TenantScope(trx, tenantId), tenantJobs, results);
  }
  const seen = new Set<string>();
  return jobs.map((j) => {
    const key = keyOf(j);
    const result = results.get(key)!;
    if (seen.has(key)) return { ...result, duplicate: true, created: false };
    seen.add(key);
    return result;
  });
}

async function storeTenantBatch(
  scope: TenantScope,
  jobs: CustomerMessageJob[],
  results: Map<string, StoredCustomerMessage>,
): Promise<void> {
  // A key repeated inside the batch is one message: the first occurrence leads.
  const leaders = new Map<string, CustomerMessageJob>();
  for (const j of jobs) if (!leaders.has(keyOf(j))) leaders.set(keyOf(j), j);
  const leadersInOrder = [...leaders.values()];

  const earlier = await scope
    .selectFrom('messages')
    .selectAll()
    .where((eb) =>
      eb(
        eb.refTuple('sender_id', 'idempotency_key'),
        'in',
        leadersInOrder.map((j) => eb.tuple(j.customerId, j.idempotencyKey)),
      ),
    )
    .execute();
  const earlierByKey = new Map(
    earlier.map((r) => [idemKey(scope.tenantId, r.sender_id!, r.idempotency_key!), r]),
  );
  const fresh: CustomerMessageJob[] = [];
  for (const j of leadersInOrder) {
    const row = earlierByKey.get(keyOf(j));
    if (row) results.set(keyOf(j), duplicateOf(toMessage(row)));
    else fresh.push(j);
  }
  if (fresh.length === 0) return;

  const now = Date.now();
  const conversations = await openConversations(scope, fresh, now);
  const rows = fresh.map((j) =>
    newMessageRow(
      {
        conversationId: conversations.get(j.customerId)!.row.id,
        sender: 'customer',
        senderId: j.customerId,
        content: j.content,
        idempotencyKey: j.idempotencyKey,
      },
      now,
    ),
  );
  const inserted = await scope
    .insertInto('messages', rows)
    .onConflict((oc) => oc.columns(['tenant_id', 'sender_id', 'idempotency_key']).doNothing())
    .returning('id')
    .execute();
  const insertedIds = new Set(inserted.map((r) => r.id));

  const openedBy = new Set<string>();
  for (const [i, j] of fresh.entries()) {
    const row = rows[i]!;
    if (!insertedIds.has(row.id)) {
      // Another node stored the same key between our look-up and our insert.
      const original = await new MessageRepository(scope).byIdempotencyKey(j.customerId, j.idempotencyKey);
      results.set(keyOf(j), duplicateOf(original!));
      continue;
    }
    const conv = conversations.get(j.customerId)!;
    const created = conv.created && !openedBy.has(j.customerId);
    if (conv.created) openedBy.add(j.customerId);
    results.set(keyOf(j), {
      message: toMessage(row),
      conversation: toConversation(conv.row),
      created,
      duplicate: false,
    });
  }
}

/**
 * The open conversation of each customer, opening one (in bot state) where there is none.
 * Existing ones are found with an UPDATE … RETURNING that also marks the new activity:
 * on PostgreSQL it locks them until commit, so a concurrent close either waits for this
 * batch or makes it open a new conversation, never receives a message after closing.
 */
async function openConversations(
  scope: TenantScope,
  jobs: CustomerMessageJob[],
  now: number,
): Promise<Map<string, { row: ConversationRow; created: boolean }>> {
  const customers = [...new Set(jobs.map((j) => j.customerId))];
  const out = new Map<string, { row: ConversationRow; created: boolean }>();
  const touchOpen = async (ids: string[]) =>
    scope
      .updateTable('conversations')
      .set({ last_message_at: now, updated_at: now })
      .where('customer_id', 'in', ids)
      .where('state', '!=', 'closed')
      .returningAll()
      .execute();
  for (const row of await touchOpen(customers)) out.set(row.customer_id, { row, created: false });
  const missing = customers.filter((c) => !out.has(c));
  if (missing.length === 0) return out;

  const channelOf = new Map<string, string>();
  for (const j of jobs) if (!channelOf.has(j.customerId)) channelOf.set(j.customerId, j.channel);
  const rows: ConversationRow[] = missing.map((customerId) => ({
    id: newId(),
    customer_id: customerId,
    channel: channelOf.get(customerId)!,
    state: 'bot',
    assignee_id: null,
    created_at: now,
    updated_at: now,
    last_message_at: now,
    closed_at: null,
  }));
  const inserted = await scope
    .insertInto('conversations', rows)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'customer_id']).where(sql.ref('state'), '!=', sql.lit('closed')).doNothing(),
    )
    .returning('id')
    .execute();
  const insertedIds = new Set(inserted.map((r) => r.id));
  for (const row of rows) if (insertedIds.has(row.id)) out.set(row.customer_id, { row, created: true });
  // Customers whose conversation a concurrent writer opened first.
  const raced = missing.filter((c) => !out.has(c));
  if (raced.length > 0)
    for (const row of await touchOpen(raced)) out.set(row.customer_id, { row, created: false });
  return out;
}
