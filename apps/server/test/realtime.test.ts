import { VisitorTokens } from '@kefu/tenancy';
import { postgresAvailable, redisAvailable } from '@kefu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Frame,
  type Harness,
  type HarnessOptions,
  idem,
  sleep,
  startHarness,
  upgradeStatus,
  type WsClient,
} from './harness.ts';

/**
 * The realtime backbone, over real sockets: customer ↔ agent delivery, acknowledgement
 * only after commit, idempotent retries, state-change frames, bad frames and bad tokens.
 * Runs on SQLite, and on PostgreSQL + Redis (mandatory under CI=true), then as a two-node
 * cluster sharing PostgreSQL and Redis.
 */

const scaledUp = (await postgresAvailable()) && (await redisAvailable());

const setups: { name: string; options: HarnessOptions; skip: boolean }[] = [
  { name: 'SQLite, in-process bus', options: {}, skip: false },
  { name: 'PostgreSQL + Redis', options: { store: 'postgres', redis: true }, skip: !scaledUp },
];

const isAck = (key: string) => (f: Frame) => f.type === 'ack' && f.idempotencyKey === key;
const isReplyTo = (key: string) => (f: Frame) => f.idempotencyKey === key;

async function storedWithKey(h: Harness, key: string) {
  return h.services.database.db
    .selectFrom('messages')
    .selectAll()
    .where('idempotency_key', '=', key)
    .execute();
}

describe.each(setups)('realtime on $name', ({ options, skip }) => {
  let h: Harness;
  beforeAll(async () => {
    if (!skip) h = await startHarness(options);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A fresh shopper of tenant A on the customer socket, and A's agent on the agent socket. */
  async function pair(): Promise<{ customer: WsClient; agent: WsClient; customerId: string }> {
    const visitor = await h.visitor(h.A.id);
    const [customer, agent] = await Promise.all([
      h.socket('customer', visitor.token),
      h.socket('agent', h.A.agent.token),
    ]);
    return { customer, agent, customerId: visitor.customerId };
  }

  it.skipIf(skip)(
    'a customer message reaches the agent socket, and is acked with the stored message',
    async () => {
      const { customer, agent, customerId } = await pair();
      const key = idem('hello');
      const ack = await customer.request(
        { type: 'message.send', idempotencyKey: key, message: { text: '你好，我的快递到哪了？' } },
        isAck(key),
      );
      // By the time the ack is read the message is committed: it is in the store, as acked.
      const rows = await storedWithKey(h, key);
      expect(rows).toHaveLength(1);
      expect(ack.duplicate).toBe(false);
      expect(ack.message).toMatchObject({
        id: rows[0]!.id,
        sender: 'customer',
        senderId: customerId,
        type: 'text',
        text: '你好，我的快递到哪了？',
        idempotencyKey: key,
        createdAt: rows[0]!.created_at,
      });
      const pushed = await agent.waitFor((f) => f.type === 'message' && f.message.id === ack.message.id);
      expect(pushed.message).toEqual(ack.message);
      // The bot's welcome goes to both sides; the shopper's own message is not echoed back to them.
      await customer.waitFor((f) => f.type === 'message' && f.message.sender === 'bot');
      expect(customer.frames.filter((f) => f.type === 'message' && f.message.id === ack.message.id)).toEqual(
        [],
      );
      await Promise.all([customer.close(), agent.close()]);
    },
  );

  it.skipIf(skip)(
    'a retry with the same idempotency key is acked as a duplicate and stored once',
    async () => {
      const { customer, agent } = await pair();
      const key = idem('retry');
      const frame = { type: 'message.send', idempotencyKey: key, message: { text: '在吗' } };
      const first = await customer.request(frame, isAck(key));
      const again = await customer.request(frame, isAck(key));
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.message).toEqual(first.message);

      await customer.close();
      expect(await storedWithKey(h, key)).toHaveLength(1);
      await agent.waitFor((f) => f.type === 'message' && f.message.id === first.message.id);
      await sleep(150);
      expect(
        agent.frames.filter((f) => f.type === 'message' && f.message.id === first.message.id),
      ).toHaveLength(1);
      await agent.close();
    },
  );

  it.skipIf(skip)('a resend after reconnecting gets the original message back', async () => {
    const visitor = await h.visitor(h.A.id);
    const key = idem('reconnect');
    const frame = { type: 'message.send', idempotencyKey: key, message: { text: '订单12345' } };
    const first = await h.socket('customer', visitor.token);
    const a = await first.request(frame, isAck(key));
    await first.close();
    const second = await h.socket('customer', visitor.token);
    const b = await second.request(frame, isAck(key));
    expect(b).toMatchObject({ duplicate: true, message: a.message });
    await second.close();
    expect(await storedWithKey(h, key)).toHaveLength(1);
  });

  it.skipIf(skip)('concurrent resends of one key on one socket store one message', async () => {
    const visitor = await h.visitor(h.A.id);
    const socket = await h.socket('customer', visitor.token);
    const key = idem('burst');
    const acks: Frame[] = [];
    const done = new Promise<void>((resolve) => {
      socket.ws.on('message', (data) => {
        const f = JSON.parse(data.toString()) as Frame;
        if (f.type === 'ack' && f.idempotencyKey === key) acks.push(f);
        if (acks.length === 5) resolve();
      });
    });
    for (let i = 0; i < 5; i++)
      socket.send({ type: 'message.send', idempotencyKey: key, message: { text: '急' } });
    await done;
    expect(acks.map((a) => a.duplicate)).toEqual([false, true, true, true, true]);
    expect(new Set(acks.map((a) => a.message.id)).size).toBe(1);
    expect(await storedWithKey(h, key)).toHaveLength(1);
    await socket.close();
  });

  it.skipIf(skip)("an agent's reply over the agent socket reaches the customer socket", async () => {
    const { customer, agent } = await pair();
    const key = idem('q');
    const ack = await customer.request(
      { type: 'message.send', idempotencyKey: key, message: { text: '我要退货' } },
      isAck(key),
    );
    const conversationId = ack.message.conversationId as string;
    const replyKey = idem('agent');
    const replyAck = await agent.request(
      {
        type: 'message.send',
        conversationId,
        idempotencyKey: replyKey,
        message: { text: '亲，请提供订单号～' },
      },
      isAck(replyKey),
    );
    expect(replyAck.message).toMatchObject({ sender: 'agent', senderId: h.A.agent.id, conversationId });
    const got = await customer.waitFor((f) => f.type === 'message' && f.message.id === replyAck.message.id);
    expect(got.message.text).toBe('亲，请提供订单号～');
    // Taking over from the bot is a state change both sides hear about.
    const taken = await customer.waitFor(
      (f) => f.type === 'conversation' && f.conversation.state === 'with_agent',
    );
    expect(taken.conversation).toMatchObject({ id: conversationId, assigneeId: h.A.agent.id });
    await agent.waitFor((f) => f.type === 'conversation' && f.conversation.id === conversationId);

    // A retried reply is not sent twice to the shopper.
    const again = await agent.request(
      {
        type: 'message.send',
        conversationId,
        idempotencyKey: replyKey,
        message: { text: '亲，请提供订单号～' },
      },
      isAck(replyKey),
    );
    expect(again).toMatchObject({ duplicate: true, message: replyAck.message });
    await sleep(100);
    expect(customer.frames.filter((f) => f.type === 'message' && f.message.sender === 'agent')).toHaveLength(
      1,
    );

    // Closing over REST reaches the shopper too; a reply to a closed conversation is refused.
    const closed = await h.request('POST', `/api/v1/conversations/${conversationId}/close`, {
      token: h.A.agent.token,
    });
    expect(closed.status).toBe(200);
    await customer.waitFor((f) => f.type === 'conversation' && f.conversation.state === 'closed');
    const lateKey = idem('late');
    const late = await agent.request(
      { type: 'message.send', conversationId, idempotencyKey: lateKey, message: { text: '还在吗' } },
      isReplyTo(lateKey),
    );
    expect(late).toMatchObject({ type: 'error', code: 'conversation.closed' });
    expect(await storedWithKey(h, lateKey)).toHaveLength(0);
    await Promise.all([customer.close(), agent.close()]);
  });

  it.skipIf(skip)('转人工 queues the conversation and the customer gets a conversation frame', async () => {
    const { customer, agent } = await pair();
    const key = idem('human');
    const ack = await customer.request(
      { type: 'message.send', idempotencyKey: key, message: { text: '转人工' } },
      isAck(key),
    );
    const conversationId = ack.message.conversationId;
    const state = await customer.waitFor(
      (f) =>
        f.type === 'conversation' && f.conversation.id === conversationId && f.conversation.state !== 'bot',
    );
    expect(state.conversation.state).toBe('queued');
    const bot = await customer.waitFor((f) => f.type === 'message' && f.message.sender === 'bot');
    expect(bot.message).toMatchObject({ intent: 'chat.human', replyTo: ack.message.id });
    await agent.waitFor(
      (f) =>
        f.type === 'conversation' &&
        f.conversation.id === conversationId &&
        f.conversation.state === 'queued',
    );
    const row = await h.services.database.db
      .selectFrom('conversations')
      .select('state')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('queued');
    await Promise.all([customer.close(), agent.close()]);
  });

  it.skipIf(skip)(
    'invalid frames get error frames, nothing is stored, and the socket stays usable',
    async () => {
      const visitor = await h.visitor(h.A.id);
      const socket = await h.socket('customer', visitor.token);
      const countMessages = async () =>
        (
          await h.services.database.db
            .selectFrom('messages')
            .select('id')
            .where('sender_id', '=', visitor.customerId)
            .execute()
        ).length;
      const before = await countMessages();
      const isError = (f: Frame) => f.type === 'error';

      const notJson = await socket.request('{"type": "message.send", ', isError);
      expect(notJson).toMatchObject({ code: 'frame.invalid_json' });
      expect(typeof notJson.message).toBe('string');

      const cases: [unknown, RegExp][] = [
        [{ type: 'message.send', message: { text: 'hi' } }, /idempotencyKey/],
        [{ type: 'message.send', idempotencyKey: 'k1', message: { text: 42 } }, /message\.text/],
        [{ type: 'message.send', idempotencyKey: 'k2', message: { text: '   ' } }, /text must not be empty/],
        [{ type: 'message.send', idempotencyKey: 'k3', message: { text: 'x'.repeat(8001) } }, /8000/],
        [
          { type: 'message.send', idempotencyKey: 'k'.repeat(129), message: { text: 'hi' } },
          /idempotencyKey/,
        ],
        [{ type: 'nonsense' }, /type/],
        [[1, 2, 3], /./],
        ['just a string', /./],
      ];
      for (const [frame, mentions] of cases) {
        const err = await socket.request(JSON.stringify(frame), isError);
        expect(err.code, JSON.stringify(frame).slice(0, 80)).toBe('frame.invalid');
        expect(err.message).toMatch(mentions);
      }
      const binary = socket.waitForNext(isError);
      socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await binary).toMatchObject({ code: 'frame.binary' });

      // Still open and working: ping, then a valid message.
      expect(await socket.request({ type: 'ping' }, (f) => f.type === 'pong')).toEqual({ type: 'pong' });
      expect(await countMessages()).toBe(before);
      const key = idem('after-errors');
      const ack = await socket.request(
        { type: 'message.send', idempotencyKey: key, message: { text: 'x'.repeat(8000) } },
        isAck(key),
      );
      expect(ack.message.text).toHaveLength(8000);
      expect(await countMessages()).toBe(before + 1);
      await socket.close();
    },
  );

  it.skipIf(skip)(
    'an agent socket frame naming an unknown conversation gets an error, not a crash',
    async () => {
      const agent = await h.socket('agent', h.A.agent.token);
      const key = idem('ghost');
      const err = await agent.request(
        {
          type: 'message.send',
          conversationId: 'no-such-conversation',
          idempotencyKey: key,
          message: { text: 'hi' },
        },
        isReplyTo(key),
      );
      expect(err).toMatchObject({ type: 'error', code: 'conversation.not_found' });
      expect(await agent.request({ type: 'ping' }, (f) => f.type === 'pong')).toBeTruthy();
      await agent.close();
    },
  );

  it.skipIf(skip)('a bad token is refused with HTTP 401 before the upgrade', async () => {
    const expired = await new VisitorTokens(h.config.secret, -60).issue({
      tenantId: h.A.id,
      customerId: 'c',
      channel: 'web',
    });
    const forged = await new VisitorTokens('another-secret-that-is-long-enough-0123456789', 3600).issue({
      tenantId: h.A.id,
      customerId: 'c',
      channel: 'web',
    });
    const ws = h.wsUrl;
    expect(await upgradeStatus(`${ws}/ws/customer`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/customer?token=`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/customer?token=garbage`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/customer?token=${expired.token}`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/customer?token=${forged.token}`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/agent`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ws/agent?token=kfs_${'x'.repeat(32)}`)).toBe(401);
    const loggedOut = await h.services.auth.login(h.A.agent.email, h.A.agent.password, null);
    expect(await upgradeStatus(`${ws}/ws/agent?token=${loggedOut.token}`)).toBe(101);
    await h.request('POST', '/api/v1/auth/logout', { token: loggedOut.token });
    expect(await upgradeStatus(`${ws}/ws/agent?token=${loggedOut.token}`)).toBe(401);
  });
});

describe.skipIf(!scaledUp)('realtime across a two-node cluster (PostgreSQL + Redis)', () => {
  let h: Harness;
  let nodeB: Awaited<ReturnType<Harness['startNode']>>;
  beforeAll(async () => {
    h = await startHarness({ store: 'postgres', redis: true });
    nodeB = await h.startNode();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a shopper on node A and the agent on node B see each other in real time', async () => {
    expect(nodeB.url).not.toBe(h.url);
    const visitor = await h.visitor(h.A.id);
    const customer = await h.socket('customer', visitor.token);
    const agent = await nodeB.socket('agent', h.A.agent.token);
    const otherTenantAgent = await nodeB.socket('agent', h.B.agent.token);

    const key = idem('cluster');
    const ack = await customer.request(
      { type: 'message.send', idempotencyKey: key, message: { text: '节点A的顾客' } },
      isAck(key),
    );
    const heard = await agent.waitFor((f) => f.type === 'message' && f.message.id === ack.message.id);
    expect(heard.message.text).toBe('节点A的顾客');

    const replyKey = idem('cluster-agent');
    const reply = await agent.request(
      {
        type: 'message.send',
        conversationId: ack.message.conversationId,
        idempotencyKey: replyKey,
        message: { text: '节点B的客服' },
      },
      isAck(replyKey),
    );
    const got = await customer.waitFor((f) => f.type === 'message' && f.message.id === reply.message.id);
    expect(got.message.text).toBe('节点B的客服');
    await customer.waitFor((f) => f.type === 'conversation' && f.conversation.state === 'with_agent');

    // A REST reply through node B reaches the shopper on node A as well.
    const rest = await nodeB.request('POST', `/api/v1/conversations/${ack.message.conversationId}/messages`, {
      token: h.A.agent.token,
      json: { idempotencyKey: idem('rest'), message: { text: '通过REST' } },
    });
    expect(rest.status).toBe(201);
    await customer.waitFor((f) => f.type === 'message' && f.message.id === rest.body.message.id);

    await sleep(150);
    // Each message reached the agent once, and nothing crossed into the other tenant.
    expect(agent.frames.filter((f) => f.type === 'message' && f.message.id === ack.message.id)).toHaveLength(
      1,
    );
    expect(otherTenantAgent.frames.filter((f) => f.type !== 'ready')).toEqual([]);
    await Promise.all([customer.close(), agent.close(), otherTenantAgent.close()]);
  });

  it('a retry sent to the other node is still a duplicate', async () => {
    const visitor = await h.visitor(h.A.id);
    const key = idem('cross-node');
    const frame = { type: 'message.send', idempotencyKey: key, message: { text: '重试' } };
    const onA = await h.socket('customer', visitor.token);
    const first = await onA.request(frame, isAck(key));
    const onB = await nodeB.socket('customer', visitor.token);
    const second = await onB.request(frame, isAck(key));
    expect(second).toMatchObject({ duplicate: true, message: first.message });
    expect(await storedWithKey(h, key)).toHaveLength(1);
    await Promise.all([onA.close(), onB.close()]);
  });
});
