import { AppError, type Conversation, type DomainEvent, type Message } from '@kefu/contracts';
import { ConversationService, WelcomeResponder } from '@kefu/conversation';
import { type Database, MemoryBus, MemoryCache, TenantScope } from '@kefu/platform';
import { AuthService, TenantsService, UsersService } from '@kefu/tenancy';
import { describeEachStore } from '@kefu/testing';
import { afterEach, expect, it, vi } from 'vitest';

const WELCOME_A = '欢迎光临 A 店，有什么可以帮您？';
const text = (t: string) => ({ type: 'text' as const, text: t });

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected an AppError ${code}`).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

/** Events as short labels, so a sequence reads like what happened. */
const label = (e: DomainEvent): string => {
  if (e.type === 'message.created') return `message:${e.message.sender}`;
  if (e.type === 'conversation.state_changed') return `state:${e.from}->${e.conversation.state}`;
  return 'conversation.created';
};

/**
 * What a listener sees when it looks at the store the moment it hears an event, through
 * another connection (so only committed rows are visible): null if all is there.
 */
async function missingWhenHeard(observer: Database, e: DomainEvent): Promise<string | null> {
  const scope = new TenantScope(observer.db, e.tenantId);
  if (e.type === 'nlu.model_changed') return null;
  if (e.type === 'message.created') {
    const row = await scope
      .selectFrom('messages')
      .select('id')
      .where('id', '=', e.message.id)
      .executeTakeFirst();
    return row ? null : `message ${e.message.id} was published before it was committed`;
  }
  const row = await scope
    .selectFrom('conversations')
    .select('state')
    .where('id', '=', e.conversation.id)
    .executeTakeFirst();
  if (!row) return `conversation ${e.conversation.id} was published before it was committed`;
  if (e.type === 'conversation.state_changed' && row.state === e.from) {
    return `conversation ${e.conversation.id} was announced as ${e.conversation.state} while the store still says ${row.state}`;
  }
  return null;
}

describeEachStore('conversation service', (store) => {
  const pending: Promise<string | null>[] = [];
  const closers: (() => Promise<void>)[] = [];
  // Runs before the store's own clean-up closes the connections these checks use.
  afterEach(async () => {
    await Promise.allSettled(pending.splice(0));
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function setup() {
    const database = store.database;
    const tenants = new TenantsService(database);
    const a = await tenants.create({ name: 'Shop A', welcomeMessage: WELCOME_A });
    const b = await tenants.create({ name: 'Shop B' });
    const bus = new MemoryBus();
    const cache = new MemoryCache();
    closers.push(
      () => bus.close(),
      () => cache.close(),
    );
    const observer = store.connect();
    const events: DomainEvent[] = [];
    bus.subscribe((e) => {
      events.push(e);
      pending.push(missingWhenHeard(observer, e));
    });
    /** A server node: its own service and connection pool, sharing the store and the bus. */
    const node = (db: Database) =>
      new ConversationService({
        database: db,
        bus,
        responder: new WelcomeResponder(),
        tenantProfile: async (id) => {
          const t = await tenants.get(id);
          return { id: t.id, name: t.name, welcomeMessage: t.welcomeMessage };
        },
      });
    const service = node(database);
    const otherNode = () => node(store.connect());
    const users = new UsersService(database, new AuthService(database, cache, { sessionTtlMs: 60_000 }));
    const agentOf = (tenantId: string, email: string) =>
      users.create(tenantId, null, { email, name: 'agent', password: 'password 123', role: 'agent' });

    const send = (
      tenantId: string,
      customerId: string,
      idempotencyKey: string,
      body: string,
      channel = 'web',
    ) => service.receiveFromCustomer(tenantId, { customerId, channel, idempotencyKey, content: text(body) });
    const allMessages = async (tenantId: string, conversationId: string) =>
      service.messages(tenantId, conversationId, 1000);
    /** Every publish so far happened after its write was committed. */
    const expectPublishedAfterCommit = async () => {
      const problems = (await Promise.all(pending.splice(0))).filter((p) => p !== null);
      expect(problems).toEqual([]);
    };
    const eventsSettle = (count: number) =>
      vi.waitFor(() => expect(events).toHaveLength(count), { timeout: 2000, interval: 5 });
    return {
      service,
      otherNode,
      a,
      b,
      events,
      send,
      allMessages,
      agentOf,
      expectPublishedAfterCommit,
      eventsSettle,
    };
  }

  it('a first message opens a conversation with the bot, which greets the customer', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const result = await t.send(t.a.id, customerId, 'k1', '你好，在吗');

    expect(result.duplicate).toBe(false);
    expect(result.conversation).toMatchObject({ customerId, channel: 'web', state: 'bot', assigneeId: null });
    expect(result.message).toMatchObject({
      conversationId: result.conversation.id,
      sender: 'customer',
      senderId: customerId,
      text: '你好，在吗',
      idempotencyKey: 'k1',
    });
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]).toMatchObject({ sender: 'bot', text: WELCOME_A, replyTo: result.message.id });

    const stored = await t.allMessages(t.a.id, result.conversation.id);
    expect(stored.map((m) => m.id)).toEqual([result.replies[0]!.id, result.message.id]);
    expect(stored[1]).toEqual(result.message);
    expect(await t.service.get(t.a.id, result.conversation.id)).toMatchObject({
      state: 'bot',
      lastMessageAt: expect.any(Number),
    });

    await t.eventsSettle(3);
    expect(t.events.map(label)).toEqual(['conversation.created', 'message:customer', 'message:bot']);
    expect(t.events[1]).toMatchObject({ tenantId: t.a.id, customerId, message: result.message });
    await t.expectPublishedAfterCommit();
  });

  it('resending an idempotency key returns the original message and replies and stores nothing', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const first = await t.send(t.a.id, customerId, 'retry-me', '第一次');
    await t.eventsSettle(3);

    const again = await t.send(t.a.id, customerId, 'retry-me', '第一次');
    const changedText = await t.send(t.a.id, customerId, 'retry-me', 'a different body');
    for (const r of [again, changedText]) {
      expect(r.duplicate).toBe(true);
      expect(r.message).toEqual(first.message);
      expect(r.replies).toEqual(first.replies);
      expect(r.conversation.id).toBe(first.conversation.id);
    }
    expect(await t.allMessages(t.a.id, first.conversation.id)).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.events).toHaveLength(3);
  });

  it('the same key from two customers is two messages', async () => {
    const t = await setup();
    const alice = await t.service.resolveCustomer(t.a.id, 'web', 'alice');
    const bob = await t.service.resolveCustomer(t.a.id, 'web', 'bob');
    const fromAlice = await t.send(t.a.id, alice, '1', 'hi from alice');
    const fromBob = await t.send(t.a.id, bob, '1', 'hi from bob');
    expect(fromBob.duplicate).toBe(false);
    expect(fromBob.message.id).not.toBe(fromAlice.message.id);
    expect(fromBob.message.text).toBe('hi from bob');
  });

  it('asking for a human (转人工) queues the conversation with a chat.human reply', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const opened = await t.send(t.a.id, customerId, 'k1', '我的快递到哪了');
    await t.eventsSettle(3);

    const handoff = await t.send(t.a.id, customerId, 'k2', '转人工');
    expect(handoff.conversation).toMatchObject({ id: opened.conversation.id, state: 'queued' });
    expect(handoff.replies).toHaveLength(1);
    expect(handoff.replies[0]).toMatchObject({
      sender: 'bot',
      intent: 'chat.human',
      replyTo: handoff.message.id,
    });
    expect((await t.service.get(t.a.id, opened.conversation.id)).state).toBe('queued');

    // While queued the bot stays quiet.
    const waiting = await t.send(t.a.id, customerId, 'k3', '还要等多久');
    expect(waiting.replies).toEqual([]);
    expect(waiting.conversation.state).toBe('queued');

    await t.eventsSettle(7);
    expect(t.events.slice(3).map(label)).toEqual([
      'message:customer',
      'message:bot',
      'state:bot->queued',
      'message:customer',
    ]);
    await t.expectPublishedAfterCommit();
  });

  it('concurrent first contacts through one channel identity make one customer', async () => {
    const t = await setup();
    const ids = await Promise.all(
      [...Array(10)].map(() => t.service.resolveCustomer(t.a.id, 'web', 'v-race')),
    );
    expect(new Set(ids).size).toBe(1);
    const customers = await new TenantScope(store.database.db, t.a.id)
      .selectFrom('customers')
      .select('id')
      .execute();
    expect(customers).toEqual([{ id: ids[0] }]);
    expect((await t.service.customer(t.a.id, ids[0]!)).identities).toEqual([
      { channel: 'web', externalId: 'v-race' },
    ]);
  });

  it('ten concurrent first messages of one customer end in one conversation with all ten', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const results = await Promise.all(
      [...Array(10).keys()].map((i) => t.send(t.a.id, customerId, `k-${i}`, `消息 ${i}`)),
    );
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);

    const conversations = await t.service.list(t.a.id, { customerId, limit: 50 });
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.state).toBe('bot');
    const stored = await t.allMessages(t.a.id, conversations[0]!.id);
    const fromCustomer = stored.filter((m) => m.sender === 'customer');
    expect(fromCustomer.map((m) => m.idempotencyKey).sort()).toEqual(
      [...Array(10).keys()].map((i) => `k-${i}`).sort(),
    );
    // Greeted once, not once per message.
    expect(stored.filter((m) => m.sender === 'bot').map((m) => m.text)).toEqual([WELCOME_A]);

    await t.eventsSettle(12);
    expect(t.events.filter((e) => e.type === 'conversation.created')).toHaveLength(1);
    await t.expectPublishedAfterCommit();
  });

  it('ten concurrent sends of one idempotency key store exactly one message', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    await t.send(t.a.id, customerId, 'warm-up', 'hello');
    const results = await Promise.all([...Array(10)].map(() => t.send(t.a.id, customerId, 'same', '同一条')));
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);

    const stored = await t.allMessages(t.a.id, results[0]!.conversation.id);
    expect(stored.filter((m) => m.idempotencyKey === 'same')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const announced = t.events.filter(
      (e) => e.type === 'message.created' && e.message.idempotencyKey === 'same',
    );
    expect(announced).toHaveLength(1);
  });

  it('ten concurrent first sends of one key open one conversation with one message', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const results = await Promise.all([...Array(10)].map(() => t.send(t.a.id, customerId, 'only', '第一条')));
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    const conversations = await t.service.list(t.a.id, { customerId, limit: 50 });
    expect(conversations).toHaveLength(1);
    const stored = await t.allMessages(t.a.id, conversations[0]!.id);
    expect(stored.filter((m) => m.sender === 'customer')).toHaveLength(1);
  });

  if (store.kind === 'postgres') {
    // Cluster mode: each node writes through its own pool, so the database settles the races.
    it("two nodes taking one customer's first messages and retries at once: one conversation, each key once", async () => {
      const t = await setup();
      const nodes = [t.service, t.otherNode()];
      const customers = await Promise.all(
        [...Array(5).keys()].map((i) => t.service.resolveCustomer(t.a.id, 'web', `visitor-${i}`)),
      );
      const sends = customers.flatMap((customerId) =>
        [...Array(10).keys()].flatMap((i) =>
          // Every key is sent on both nodes: a client retrying through another node.
          nodes.map((node) =>
            node.receiveFromCustomer(t.a.id, {
              customerId,
              channel: 'web',
              idempotencyKey: `k-${i}`,
              content: text(`消息 ${i}`),
            }),
          ),
        ),
      );
      const results = await Promise.all(sends);

      for (const customerId of customers) {
        const mine = results.filter((r) => r.message.senderId === customerId);
        const idsByKey = new Map<string, Set<string>>();
        for (const r of mine) {
          const key = r.message.idempotencyKey!;
          idsByKey.set(key, (idsByKey.get(key) ?? new Set<string>()).add(r.message.id));
        }
        expect([...idsByKey.values()].map((ids) => ids.size)).toEqual(Array(10).fill(1));
        expect(mine.filter((r) => !r.duplicate)).toHaveLength(10);

        const conversations = await t.service.list(t.a.id, { customerId, limit: 50 });
        expect(conversations).toHaveLength(1);
        const stored = await t.allMessages(t.a.id, conversations[0]!.id);
        expect(stored.filter((m) => m.sender === 'customer')).toHaveLength(10);
        expect(stored.filter((m) => m.sender === 'bot').map((m) => m.text)).toEqual([WELCOME_A]);
      }
      await t.expectPublishedAfterCommit();
    });

    it('two nodes closing and replying at once: a reply is stored only if it took over before the close', async () => {
      const t = await setup();
      const agent = await t.agentOf(t.a.id, 'agent@a.test');
      const nodeB = t.otherNode();
      for (let round = 0; round < 20; round++) {
        const customerId = await t.service.resolveCustomer(t.a.id, 'web', `visitor-${round}`);
        const { conversation } = await t.send(t.a.id, customerId, 'k1', '转人工');
        const [reply, closed] = await Promise.allSettled([
          t.service.replyAsStaff(
            t.a.id,
            { kind: 'user', userId: agent.id },
            conversation.id,
            `r-${round}`,
            text('来了'),
          ),
          nodeB.close(t.a.id, conversation.id),
        ]);
        expect(closed.status).toBe('fulfilled');
        const final = await t.service.get(t.a.id, conversation.id);
        expect(final.state).toBe('closed');
        const agentMessages = (await t.allMessages(t.a.id, conversation.id)).filter(
          (m) => m.sender === 'agent',
        );
        if (reply.status === 'fulfilled') {
          // It went in while the conversation was open, so its takeover is on record.
          expect(agentMessages, `round ${round}`).toHaveLength(1);
          expect(
            final.assigneeId,
            `round ${round}: a reply was stored in a conversation closed under it`,
          ).toBe(agent.id);
        } else {
          expect((reply.reason as AppError).code).toBe('conversation.closed');
          expect(agentMessages).toEqual([]);
        }
      }
    });
  }

  it('a staff reply takes the conversation over from the bot or the queue', async () => {
    const t = await setup();
    const agent = await t.agentOf(t.a.id, 'agent@a.test');
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const { conversation } = await t.send(t.a.id, customerId, 'k1', '转人工');
    expect(conversation.state).toBe('queued');
    await t.eventsSettle(4);

    const sender = { kind: 'user' as const, userId: agent.id };
    const reply = await t.service.replyAsStaff(
      t.a.id,
      sender,
      conversation.id,
      'a-1',
      text('您好，我是客服小王'),
    );
    expect(reply.duplicate).toBe(false);
    expect(reply.message).toMatchObject({
      sender: 'agent',
      senderId: agent.id,
      conversationId: conversation.id,
    });
    expect(await t.service.get(t.a.id, conversation.id)).toMatchObject({
      state: 'with_agent',
      assigneeId: agent.id,
    });

    // The agent's retry is idempotent too.
    const retry = await t.service.replyAsStaff(
      t.a.id,
      sender,
      conversation.id,
      'a-1',
      text('您好，我是客服小王'),
    );
    expect(retry).toEqual({ message: reply.message, duplicate: true });
    // With an agent, the bot no longer answers.
    expect((await t.send(t.a.id, customerId, 'k2', '好的')).replies).toEqual([]);

    await t.eventsSettle(7);
    expect(t.events.slice(4).map(label)).toEqual([
      'state:queued->with_agent',
      'message:agent',
      'message:customer',
    ]);
    const takeover = t.events[4] as Extract<DomainEvent, { type: 'conversation.state_changed' }>;
    expect(takeover.conversation.assigneeId).toBe(agent.id);
    await t.expectPublishedAfterCommit();
  });

  it('a reply to a closed conversation is refused and stores nothing', async () => {
    const t = await setup();
    const agent = await t.agentOf(t.a.id, 'agent@a.test');
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const { conversation } = await t.send(t.a.id, customerId, 'k1', 'hi');
    const closed = await t.service.close(t.a.id, conversation.id);
    expect(closed).toMatchObject({ state: 'closed', closedAt: expect.any(Number) });
    expect(await t.service.close(t.a.id, conversation.id)).toEqual(closed);

    const before = await t.allMessages(t.a.id, conversation.id);
    const err = await rejectsWith(
      t.service.replyAsStaff(
        t.a.id,
        { kind: 'user', userId: agent.id },
        conversation.id,
        'late',
        text('还在吗'),
      ),
      'conversation.closed',
    );
    expect(err.kind).toBe('conflict');
    expect(await t.allMessages(t.a.id, conversation.id)).toEqual(before);

    await t.eventsSettle(4);
    expect(t.events.map(label).at(-1)).toBe('state:bot->closed');
    await t.expectPublishedAfterCommit();
  });

  it('after a close the next customer message opens a new conversation', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const first = await t.send(t.a.id, customerId, 'k1', 'hi');
    await t.service.close(t.a.id, first.conversation.id);

    const next = await t.send(t.a.id, customerId, 'k2', '我又来了');
    expect(next.conversation.id).not.toBe(first.conversation.id);
    expect(next.conversation.state).toBe('bot');
    expect(next.replies.map((r) => r.text)).toEqual([WELCOME_A]);
    expect((await t.service.get(t.a.id, first.conversation.id)).state).toBe('closed');
    expect((await t.service.openConversationOf(t.a.id, customerId))?.id).toBe(next.conversation.id);

    // A late retry of a message from before the close is still that message, not a new one.
    const retry = await t.send(t.a.id, customerId, 'k1', 'hi');
    expect(retry).toMatchObject({ duplicate: true, message: first.message });
    expect(await t.service.list(t.a.id, { customerId, limit: 50 })).toHaveLength(2);
  });

  it('lists conversations by state and channel, and cursor pages return each exactly once', async () => {
    const t = await setup();
    const open = async (name: string, channel: string, body = 'hi') => {
      const customerId = await t.service.resolveCustomer(t.a.id, channel, name);
      return (await t.send(t.a.id, customerId, `${name}-1`, body, channel)).conversation;
    };
    const c: Conversation[] = [];
    for (let i = 0; i < 5; i++) c.push(await open(`web-${i}`, 'web', i === 1 ? '转人工' : 'hi'));
    c.push(await open('wx-0', 'wechat', '人工'));
    c.push(await open('wx-1', 'wechat'));
    await t.service.close(t.a.id, c[2]!.id);
    const inB = await t.service.resolveCustomer(t.b.id, 'web', 'web-0');
    await t.send(t.b.id, inB, 'b-1', 'hi');

    const ids = (list: Conversation[]) => list.map((x) => x.id).sort();
    const pick = (...i: number[]) => i.map((n) => c[n]!.id).sort();
    expect(ids(await t.service.list(t.a.id, { state: 'queued', limit: 50 }))).toEqual(pick(1, 5));
    expect(ids(await t.service.list(t.a.id, { state: 'closed', limit: 50 }))).toEqual(pick(2));
    expect(ids(await t.service.list(t.a.id, { channel: 'wechat', limit: 50 }))).toEqual(pick(5, 6));
    expect(ids(await t.service.list(t.a.id, { state: 'bot', channel: 'web', limit: 50 }))).toEqual(
      pick(0, 3, 4),
    );

    const everything = await t.service.list(t.a.id, { limit: 50 });
    expect(ids(everything)).toEqual(pick(0, 1, 2, 3, 4, 5, 6));
    for (const [filter, expected] of [
      [{}, pick(0, 1, 2, 3, 4, 5, 6)],
      [{ state: 'bot' as const }, pick(0, 3, 4, 6)],
    ] as const) {
      for (const limit of [1, 2, 3]) {
        const seen: Conversation[] = [];
        let cursor: { updatedAt: number; id: string } | undefined;
        for (let guard = 0; guard < 20; guard++) {
          const page = await t.service.list(t.a.id, { ...filter, limit, ...(cursor ? { cursor } : {}) });
          seen.push(...page);
          if (page.length < limit) break;
          const last = page.at(-1)!;
          cursor = { updatedAt: last.updatedAt, id: last.id };
        }
        expect(seen.map((x) => x.id).sort(), `limit ${limit}`).toEqual(expected);
        expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length);
        // Most recent activity first.
        for (let i = 1; i < seen.length; i++) {
          expect(seen[i - 1]!.updatedAt).toBeGreaterThanOrEqual(seen[i]!.updatedAt);
        }
      }
    }
  });

  it('pages through messages with `before`: newest first, each message exactly once', async () => {
    const t = await setup();
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    let conversationId = '';
    for (let i = 0; i < 12; i++)
      conversationId = (await t.send(t.a.id, customerId, `k-${i}`, `第 ${i} 条`)).conversation.id;
    const all = await t.allMessages(t.a.id, conversationId);
    expect(all).toHaveLength(13);

    const seen: Message[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await t.service.messages(t.a.id, conversationId, 5, before);
      if (page.length === 0) break;
      seen.push(...page);
      before = page.at(-1)!.id;
    }
    expect(seen.map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(seen[0]!.text).toBe('第 11 条');
    expect(seen.at(-1)!.text).toBe('第 0 条');
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i - 1]!.id > seen[i]!.id).toBe(true);
      expect(seen[i - 1]!.createdAt).toBeGreaterThanOrEqual(seen[i]!.createdAt);
    }
  });

  it("another tenant can neither see nor change a tenant's conversation", async () => {
    const t = await setup();
    const agentB = await t.agentOf(t.b.id, 'agent@b.test');
    const customerId = await t.service.resolveCustomer(t.a.id, 'web', 'visitor-1');
    const { conversation } = await t.send(t.a.id, customerId, 'k1', 'private to A');
    const before = await t.allMessages(t.a.id, conversation.id);

    await rejectsWith(t.service.get(t.b.id, conversation.id), 'conversation.not_found');
    await rejectsWith(t.service.messages(t.b.id, conversation.id, 50), 'conversation.not_found');
    await rejectsWith(
      t.service.replyAsStaff(
        t.b.id,
        { kind: 'user', userId: agentB.id },
        conversation.id,
        'x',
        text('injected'),
      ),
      'conversation.not_found',
    );
    await rejectsWith(t.service.close(t.b.id, conversation.id), 'conversation.not_found');
    await rejectsWith(t.service.customer(t.b.id, customerId), 'customer.not_found');
    expect(await t.service.list(t.b.id, { limit: 50 })).toEqual([]);
    expect(await t.service.openConversationOf(t.b.id, customerId)).toBeUndefined();
    // The same visitor id in B is B's own customer.
    expect(await t.service.resolveCustomer(t.b.id, 'web', 'visitor-1')).not.toBe(customerId);

    expect(await t.service.get(t.a.id, conversation.id)).toMatchObject({ state: 'bot', assigneeId: null });
    expect(await t.allMessages(t.a.id, conversation.id)).toEqual(before);
  });
});
