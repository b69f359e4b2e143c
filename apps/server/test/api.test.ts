import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../src/observability/logger.ts';
import { type Harness, idem, listRoutes, sleep, startHarness } from './harness.ts';

/**
 * The happy path of every route, as a console, an integration and the widget use them,
 * plus the operations endpoints (/healthz, /readyz, /metrics, /docs) and what the logs
 * may and may not contain. One server (SQLite) for the whole file.
 */

let h: Harness;
const logLines: string[] = [];
/** Every bearer secret this file saw; none may appear in a log line. */
const secrets = new Set<string>();
const PHONE = '13812345678';

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  h = await startHarness({ log: pino(loggerOptions('info'), stream) });
  for (const t of [h.A, h.B]) {
    for (const u of [t.owner, t.admin, t.supervisor, t.agent, t.analyst]) secrets.add(u.token);
    secrets.add(t.apiKey.key);
  }
});
afterAll(async () => {
  await h?.close();
});

const inbound = (text: string, customerId: string, extra: Record<string, unknown> = {}) =>
  h.request('POST', '/api/v1/inbound', {
    token: h.A.apiKey.key,
    json: { channel: 'shop', customerId, text, idempotencyKey: idem(), ...extra },
  });

describe('auth', () => {
  it('logs in, tells who is calling, and logs out', async () => {
    const login = await h.request('POST', '/api/v1/auth/login', {
      json: { email: `  ${h.A.owner.email.toUpperCase()} `, password: h.A.owner.password },
    });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    secrets.add(token);
    expect(token).toMatch(/^kfs_[A-Za-z0-9_-]{20,}$/);
    expect(login.body.expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
    expect(login.body.user).toEqual({
      id: h.A.owner.id,
      tenantId: h.A.id,
      email: h.A.owner.email,
      name: h.A.owner.name,
      role: 'owner',
      createdAt: h.A.owner.createdAt,
    });
    expect(login.text).not.toMatch(/scrypt|password/i);

    const me = await h.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', user: { id: h.A.owner.id }, tenant: { id: h.A.id } });
    const asKey = await h.request('GET', '/api/v1/me', { token: h.A.apiKey.key });
    expect(asKey.body).toMatchObject({ kind: 'api_key', tenant: { id: h.A.id } });

    const out = await h.request('POST', '/api/v1/auth/logout', { token });
    expect(out.status).toBe(204);
    const after = await h.request('GET', '/api/v1/me', { token });
    expect(after.status).toBe(401);
  });

  it('refuses a wrong password without saying which part was wrong, and audits it', async () => {
    const wrong = await h.request('POST', '/api/v1/auth/login', {
      json: { email: h.A.agent.email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'auth.invalid_credentials', message: 'E-mail or password is wrong' });
    const nobody = await h.request('POST', '/api/v1/auth/login', {
      json: { email: 'nobody@test.kefu', password: 'not-the-password' },
    });
    expect(nobody.body).toEqual(wrong.body);
    const audit = await h.request('GET', '/api/v1/audit-log?limit=5', { token: h.A.owner.token });
    expect(audit.body.items[0]).toMatchObject({ action: 'auth.login_failed', targetId: h.A.agent.id });
  });
});

describe('tenant and brands', () => {
  it('a group owner creates a brand and acts in it with X-Kefu-Tenant', async () => {
    const own = await h.request('GET', '/api/v1/tenant', { token: h.A.owner.token });
    expect(own.status).toBe(200);
    expect(own.body.tenant).toMatchObject({ id: h.A.id, name: h.A.name, parentId: null });

    const name = `A 旗下品牌 ${idem()}`;
    const created = await h.request('POST', '/api/v1/tenant/brands', {
      token: h.A.owner.token,
      json: { name, welcomeMessage: '欢迎来到子品牌' },
    });
    expect(created.status).toBe(201);
    const brand = created.body;
    expect(brand).toMatchObject({ name, parentId: h.A.id, welcomeMessage: '欢迎来到子品牌' });
    const listed = await h.request('GET', '/api/v1/tenant', { token: h.A.owner.token });
    expect(listed.body.brands.map((b: { id: string }) => b.id)).toContain(brand.id);
    const dup = await h.request('POST', '/api/v1/tenant/brands', { token: h.A.owner.token, json: { name } });
    expect(dup.status).toBe(409);

    const inBrand = { 'x-kefu-tenant': brand.id };
    const me = await h.request('GET', '/api/v1/me', { token: h.A.owner.token, headers: inBrand });
    expect(me.body.tenant.id).toBe(brand.id);
    // The admin of the group may act in the brand; an agent may not.
    expect(
      (await h.request('GET', '/api/v1/tenant', { token: h.A.admin.token, headers: inBrand })).status,
    ).toBe(200);
    expect(
      (await h.request('GET', '/api/v1/tenant', { token: h.A.agent.token, headers: inBrand })).status,
    ).toBe(403);
    // A brand cannot hold brands of its own.
    const nested = await h.request('POST', '/api/v1/tenant/brands', {
      token: h.A.owner.token,
      headers: inBrand,
      json: { name: `nested ${idem()}` },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.code).toBe('tenant.nested_group');

    // An API key made while acting in the brand belongs to the brand.
    const key = await h.request('POST', '/api/v1/api-keys', {
      token: h.A.owner.token,
      headers: inBrand,
      json: { name: 'brand shop' },
    });
    secrets.add(key.body.key);
    const msg = await h.request('POST', '/api/v1/inbound', {
      token: key.body.key,
      json: { channel: 'shop', customerId: 'brand-buyer', text: '你好', idempotencyKey: idem() },
    });
    expect(msg.body.replies[0].text).toBe('欢迎来到子品牌');
    const brandConvs = await h.request('GET', '/api/v1/conversations', {
      token: h.A.owner.token,
      headers: inBrand,
    });
    expect(brandConvs.body.items.map((c: { id: string }) => c.id)).toEqual([msg.body.conversationId]);
    const groupConvs = await h.request('GET', '/api/v1/conversations?limit=100', { token: h.A.owner.token });
    expect(groupConvs.body.items.map((c: { id: string }) => c.id)).not.toContain(msg.body.conversationId);
  });
});

describe('users', () => {
  it('lists, creates (who can then log in), and changes roles with an audit entry taking effect at once', async () => {
    const list = await h.request('GET', '/api/v1/users', { token: h.A.owner.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { role: string }) => u.role).sort()).toEqual(
      ['admin', 'agent', 'analyst', 'owner', 'supervisor'].sort(),
    );
    expect(list.text).not.toMatch(/scrypt|password/i);

    const email = `New.Agent.${idem()}@Test.Kefu`;
    const created = await h.request('POST', '/api/v1/users', {
      token: h.A.admin.token,
      json: { email, name: '新坐席', password: 'secret-pass-1', role: 'agent' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: email.toLowerCase(),
      name: '新坐席',
      role: 'agent',
      tenantId: h.A.id,
    });
    const dup = await h.request('POST', '/api/v1/users', {
      token: h.A.owner.token,
      json: { email, name: 'again', password: 'secret-pass-1', role: 'agent' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('user.email_taken');

    const login = await h.request('POST', '/api/v1/auth/login', {
      json: { email, password: 'secret-pass-1' },
    });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    secrets.add(token);
    expect((await h.request('GET', '/api/v1/users', { token })).status).toBe(403);

    const promoted = await h.request('PATCH', `/api/v1/users/${created.body.id}`, {
      token: h.A.owner.token,
      json: { role: 'supervisor' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('supervisor');
    // The user's existing session has the new role immediately.
    expect((await h.request('GET', '/api/v1/users', { token })).status).toBe(200);

    const audit = await h.request('GET', '/api/v1/audit-log?limit=20', { token: h.A.owner.token });
    const change = audit.body.items.find(
      (e: { action: string; targetId: string }) =>
        e.action === 'user.role_changed' && e.targetId === created.body.id,
    );
    expect(change).toMatchObject({
      actorType: 'user',
      actorId: h.A.owner.id,
      targetType: 'user',
      details: { from: 'agent', to: 'supervisor' },
    });
    expect(
      audit.body.items.some(
        (e: { action: string; targetId: string }) =>
          e.action === 'user.created' && e.targetId === created.body.id,
      ),
    ).toBe(true);
  });

  it('keeps at least one owner', async () => {
    const res = await h.request('PATCH', `/api/v1/users/${h.B.owner.id}`, {
      token: h.B.owner.token,
      json: { role: 'admin' },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('user.last_owner');
    const me = await h.request('GET', '/api/v1/me', { token: h.B.owner.token });
    expect(me.body.user.role).toBe('owner');
  });
});

describe('API keys', () => {
  it('creates (shown once), lists without the secret, records use, and revokes at once', async () => {
    const created = await h.request('POST', '/api/v1/api-keys', {
      token: h.A.owner.token,
      json: { name: '  ERP 同步 ' },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    secrets.add(key);
    expect(key).toMatch(/^kfk_[A-Za-z0-9_-]{20,}$/);
    expect(created.body.apiKey).toMatchObject({
      name: 'ERP 同步',
      prefix: key.slice(0, 10),
      lastUsedAt: null,
      revokedAt: null,
    });

    const listed = await h.request('GET', '/api/v1/api-keys', { token: h.A.owner.token });
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.apiKey.id);
    expect(listed.text).not.toContain(key);

    const use = await h.request('POST', '/api/v1/inbound', {
      token: key,
      json: { channel: 'api', customerId: 'erp-1', text: '查订单', idempotencyKey: idem() },
    });
    expect(use.status).toBe(200);
    const used = await h.request('GET', '/api/v1/api-keys', { token: h.A.owner.token });
    const info = used.body.items.find((k: { id: string }) => k.id === created.body.apiKey.id);
    expect(info.lastUsedAt).toBeGreaterThan(0);

    const revoked = await h.request('DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, {
      token: h.A.owner.token,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeGreaterThan(0);
    const refused = await h.request('GET', '/api/v1/me', { token: key });
    expect(refused.status).toBe(401);
    const again = await h.request('DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, {
      token: h.A.owner.token,
    });
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

    const audit = await h.request('GET', '/api/v1/audit-log?limit=50', { token: h.A.owner.token });
    const actions = audit.body.items
      .filter((e: { targetId: string }) => e.targetId === created.body.apiKey.id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(['api_key.revoked', 'api_key.created']);
  });
});

describe('audit log', () => {
  it('pages newest first through every entry, with no gaps or repeats', async () => {
    const all: { id: string; action: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await h.request('GET', `/api/v1/audit-log?limit=3${cursor ? `&before=${cursor}` : ''}`, {
        token: h.A.owner.token,
      });
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
    const rows = await h.services.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('tenant_id', '=', h.A.id)
      .execute();
    expect(ids.length).toBe(rows.length);
    for (const action of [
      'auth.login',
      'auth.login_failed',
      'user.created',
      'user.role_changed',
      'api_key.created',
      'api_key.revoked',
    ]) {
      expect(all.map((e) => e.action)).toContain(action);
    }
  });
});

describe('inbound API', () => {
  it('answers with the stored ids and the bot replies; 转人工 hands off; a retry returns the originals', async () => {
    const customer = `shopper-${idem()}`;
    const first = await inbound('你好', customer);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual([
      'conversationId',
      'duplicate',
      'handoff',
      'messageId',
      'replies',
      'state',
    ]);
    expect(first.body).toMatchObject({ duplicate: false, state: 'bot', handoff: null });
    expect(first.body.replies).toHaveLength(1);
    expect(first.body.replies[0]).toEqual({
      messageId: expect.any(String),
      type: 'text',
      text: '欢迎光临 A 店',
      payload: null,
      intent: null,
    });

    const second = await inbound('这件衣服有货吗', customer);
    expect(second.body).toMatchObject({
      conversationId: first.body.conversationId,
      state: 'bot',
      replies: [],
    });

    const key = idem('human');
    const human = await inbound('我要转人工', customer, { idempotencyKey: key });
    expect(human.body).toMatchObject({
      conversationId: first.body.conversationId,
      duplicate: false,
      state: 'queued',
      handoff: { state: 'queued' },
    });
    expect(human.body.replies).toEqual([
      {
        messageId: expect.any(String),
        type: 'text',
        text: expect.stringContaining('人工'),
        payload: null,
        intent: 'chat.human',
      },
    ]);

    const retry = await inbound('我要转人工', customer, { idempotencyKey: key });
    expect(retry.body).toEqual({ ...human.body, duplicate: true });

    const waiting = await inbound('还要等多久', customer);
    expect(waiting.body).toMatchObject({ state: 'queued', handoff: { state: 'queued' }, replies: [] });

    // What the answers said is what is stored, in order, each bot reply pointing at its question.
    const msgs = await h.request(
      'GET',
      `/api/v1/conversations/${first.body.conversationId}/messages?limit=100`,
      {
        token: h.A.agent.token,
      },
    );
    const stored = [...msgs.body.items].reverse();
    expect(stored.map((m: { sender: string }) => m.sender)).toEqual([
      'customer',
      'bot',
      'customer',
      'customer',
      'bot',
      'customer',
    ]);
    expect(stored[1]).toMatchObject({ id: first.body.replies[0].messageId, replyTo: first.body.messageId });
    expect(stored[4]).toMatchObject({
      id: human.body.replies[0].messageId,
      replyTo: human.body.messageId,
      intent: 'chat.human',
    });
  });

  it.each(['人工', '找客服'])('"%s" also asks for a human', async (text) => {
    const res = await inbound(text, `asker-${idem()}`);
    expect(res.body).toMatchObject({ state: 'queued', handoff: { state: 'queued' } });
    expect(res.body.replies.map((r: { intent: string }) => r.intent)).toEqual(['chat.human']);
  });
});

describe('conversations, messages, customers', () => {
  let queued: string;
  let withAgent: string;
  let closed: string;
  let appConv: string;

  beforeAll(async () => {
    queued = (await inbound('转人工', `list-q-${idem()}`)).body.conversationId;
    withAgent = (await inbound('你好', `list-a-${idem()}`)).body.conversationId;
    closed = (await inbound('你好', `list-c-${idem()}`)).body.conversationId;
    appConv = (
      await h.request('POST', '/api/v1/inbound', {
        token: h.A.apiKey.key,
        json: { channel: 'app', customerId: `app-${idem()}`, text: '你好', idempotencyKey: idem() },
      })
    ).body.conversationId;
  });

  it('an agent replies (taking over), retries safely, and closes', async () => {
    const key = idem('reply');
    const reply = await h.request('POST', `/api/v1/conversations/${withAgent}/messages`, {
      token: h.A.agent.token,
      json: { idempotencyKey: key, message: { text: '您好，我是小A' } },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      duplicate: false,
      message: {
        conversationId: withAgent,
        sender: 'agent',
        senderId: h.A.agent.id,
        text: '您好，我是小A',
        type: 'text',
      },
    });
    const again = await h.request('POST', `/api/v1/conversations/${withAgent}/messages`, {
      token: h.A.agent.token,
      json: { idempotencyKey: key, message: { text: '您好，我是小A' } },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ duplicate: true, message: reply.body.message });

    const conv = await h.request('GET', `/api/v1/conversations/${withAgent}`, { token: h.A.agent.token });
    expect(conv.body).toMatchObject({
      id: withAgent,
      state: 'with_agent',
      assigneeId: h.A.agent.id,
      channel: 'shop',
    });

    // An integration may reply too, as its API key.
    const byKey = await h.request('POST', `/api/v1/conversations/${withAgent}/messages`, {
      token: h.A.apiKey.key,
      json: { idempotencyKey: idem(), message: { type: 'card', text: '', payload: { sku: 'A-1' } } },
    });
    expect(byKey.body.message).toMatchObject({
      sender: 'agent',
      senderId: h.A.apiKey.id,
      type: 'card',
      payload: { sku: 'A-1' },
    });

    const close = await h.request('POST', `/api/v1/conversations/${closed}/close`, {
      token: h.A.agent.token,
    });
    expect(close.status).toBe(200);
    expect(close.body).toMatchObject({ id: closed, state: 'closed', closedAt: expect.any(Number) });
    const closeAgain = await h.request('POST', `/api/v1/conversations/${closed}/close`, {
      token: h.A.agent.token,
    });
    expect(closeAgain.body).toEqual(close.body);
    const late = await h.request('POST', `/api/v1/conversations/${closed}/messages`, {
      token: h.A.agent.token,
      json: { idempotencyKey: idem(), message: { text: '还在吗' } },
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('conversation.closed');
  });

  it('lists most recently active first, filters by state, channel, assignee and customer', async () => {
    const get = async (q: string) =>
      (await h.request('GET', `/api/v1/conversations?limit=100${q}`, { token: h.A.supervisor.token })).body
        .items as {
        id: string;
        state: string;
        channel: string;
        updatedAt: number;
        customerId: string;
      }[];
    const all = await get('');
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1]!.updatedAt).toBeGreaterThanOrEqual(all[i]!.updatedAt);
    expect(all.map((c) => c.id)).toEqual(expect.arrayContaining([queued, withAgent, closed, appConv]));

    const q = await get('&state=queued');
    expect(q.map((c) => c.id)).toContain(queued);
    expect(q.every((c) => c.state === 'queued')).toBe(true);
    expect((await get('&state=closed')).map((c) => c.id)).toContain(closed);
    expect((await get('&state=with_agent')).map((c) => c.id)).toContain(withAgent);
    const app = await get('&channel=app');
    expect(app.map((c) => c.id)).toEqual([appConv]);
    const mine = await get(`&assigneeId=${h.A.agent.id}`);
    expect(mine.map((c) => c.id)).toContain(withAgent);
    expect(mine.map((c) => c.id)).not.toContain(queued);
    const one = all.find((c) => c.id === queued)!;
    expect((await get(`&customerId=${one.customerId}`)).map((c) => c.id)).toEqual([queued]);
  });

  it('pages conversations with a cursor: every one once, in order', async () => {
    const full = (
      await h.request('GET', '/api/v1/conversations?limit=100', { token: h.A.owner.token })
    ).body.items.map((c: { id: string }) => c.id);
    expect(full.length).toBeGreaterThan(5);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.request(
        'GET',
        `/api/v1/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: h.A.owner.token },
      );
      expect(res.status).toBe(200);
      paged.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(full);
  });

  it('pages messages newest first with nextCursor as `before`', async () => {
    const customer = `pager-${idem()}`;
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) sent.push((await inbound(`第${i}条`, customer)).body.messageId);
    const conv = (await inbound('最后', customer)).body.conversationId;
    const all = (
      await h.request('GET', `/api/v1/conversations/${conv}/messages?limit=100`, { token: h.A.analyst.token })
    ).body.items.map((m: { id: string }) => m.id);
    expect(all).toHaveLength(9); // 8 from the shopper, 1 welcome
    const paged: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const res = await h.request(
        'GET',
        `/api/v1/conversations/${conv}/messages?limit=4${before ? `&before=${before}` : ''}`,
        { token: h.A.analyst.token },
      );
      paged.push(...res.body.items.map((m: { id: string }) => m.id));
      before = res.body.nextCursor;
      pages++;
    } while (before);
    expect(paged).toEqual(all);
    expect(pages).toBe(3);
    expect([...all].reverse().filter((id) => sent.includes(id))).toEqual(sent);
  });

  it('reads a customer with their channel identities', async () => {
    const external = `crm-${idem()}`;
    const msg = await inbound('你好', external);
    const conv = await h.request('GET', `/api/v1/conversations/${msg.body.conversationId}`, {
      token: h.A.agent.token,
    });
    const res = await h.request('GET', `/api/v1/customers/${conv.body.customerId}`, {
      token: h.A.agent.token,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: conv.body.customerId,
      identities: [{ channel: 'shop', externalId: external }],
    });
  });

  it('a shopper writing after close starts a new conversation', async () => {
    const customer = `again-${idem()}`;
    const first = await inbound('你好', customer);
    await h.request('POST', `/api/v1/conversations/${first.body.conversationId}/close`, {
      token: h.A.agent.token,
    });
    const next = await inbound('又是我', customer);
    expect(next.body.conversationId).not.toBe(first.body.conversationId);
    expect(next.body).toMatchObject({ state: 'bot', replies: [{ text: '欢迎光临 A 店' }] });
  });
});

describe('widget', () => {
  it('opens a visitor session, resumes it, sends and reads messages', async () => {
    const session = await h.request('POST', '/api/v1/widget/sessions', { json: { tenantId: h.A.id } });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      visitorId: expect.stringMatching(/^v_/),
      customerId: expect.any(String),
    });
    expect(session.body.expiresAt).toBeGreaterThan(Date.now() + 86_400_000);
    secrets.add(session.body.token);

    const resumed = await h.request('POST', '/api/v1/widget/sessions', {
      json: { tenantId: h.A.id, visitorId: session.body.visitorId },
    });
    expect(resumed.body.customerId).toBe(session.body.customerId);
    secrets.add(resumed.body.token);

    const empty = await h.request('GET', '/api/v1/visitor/messages', { token: session.body.token });
    expect(empty.body).toEqual({ conversationId: null, items: [], nextCursor: null });

    const sent = await h.request('POST', '/api/v1/visitor/messages', {
      token: session.body.token,
      json: { idempotencyKey: idem(), message: { text: '有优惠券吗' } },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'bot', duplicate: false, replies: [{ text: '欢迎光临 A 店' }] });

    const history = await h.request('GET', '/api/v1/visitor/messages', { token: resumed.body.token });
    expect(history.body.conversationId).toBe(sent.body.conversationId);
    expect(history.body.items.map((m: { sender: string; text: string }) => [m.sender, m.text])).toEqual([
      ['bot', '欢迎光临 A 店'],
      ['customer', '有优惠券吗'],
    ]);
    const page = await h.request('GET', '/api/v1/visitor/messages?limit=1', { token: resumed.body.token });
    expect(page.body.items).toHaveLength(1);
    const older = await h.request('GET', `/api/v1/visitor/messages?limit=1&before=${page.body.nextCursor}`, {
      token: resumed.body.token,
    });
    expect(older.body.items[0].text).toBe('有优惠券吗');

    const agents = await h.request('GET', `/api/v1/customers/${session.body.customerId}`, {
      token: h.A.agent.token,
    });
    expect(agents.body.identities).toEqual([{ channel: 'web', externalId: session.body.visitorId }]);
  });
});

// After the tests that list tenant A's users and audit entries exactly.
describe('password change', () => {
  it('needs the current password, ends the other sessions, keeps this one, and is audited', async () => {
    const email = `pw-${idem()}@test.kefu`;
    const created = await h.request('POST', '/api/v1/users', {
      token: h.A.owner.token,
      json: { email, name: '换密码', password: 'first-password', role: 'agent' },
    });
    expect(created.status).toBe(201);
    const login = async (password: string) =>
      h.request('POST', '/api/v1/auth/login', { json: { email, password } });
    const here = (await login('first-password')).body.token as string;
    const elsewhere = (await login('first-password')).body.token as string;
    secrets.add(here).add(elsewhere);

    const wrong = await h.request('POST', '/api/v1/me/password', {
      token: here,
      json: { currentPassword: 'not-it', newPassword: 'second-password' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('user.wrong_password');
    const short = await h.request('POST', '/api/v1/me/password', {
      token: here,
      json: { currentPassword: 'first-password', newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect((await login('first-password')).status).toBe(200);

    const changed = await h.request('POST', '/api/v1/me/password', {
      token: here,
      json: { currentPassword: 'first-password', newPassword: 'second-password' },
    });
    expect(changed.status).toBe(204);
    expect((await login('first-password')).status).toBe(401);
    expect((await login('second-password')).status).toBe(200);
    expect((await h.request('GET', '/api/v1/me', { token: here })).status).toBe(200);
    expect((await h.request('GET', '/api/v1/me', { token: elsewhere })).status).toBe(401);
    const audit = await h.request('GET', '/api/v1/audit-log?limit=10', { token: h.A.owner.token });
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'user.password_changed', targetId: created.body.id }),
    );
  });
});

describe('operations', () => {
  it('/healthz and /readyz answer 200', async () => {
    const health = await h.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', store: 'sqlite' });
  });

  it('/metrics has HTTP latency by route, open sockets by kind, and messages by sender', async () => {
    const metric = async (line: RegExp): Promise<number> => {
      const text = (await h.request('GET', '/metrics')).text;
      const m = text.split('\n').find((l) => line.test(l));
      return m ? Number(m.split(' ').pop()) : Number.NaN;
    };
    const customerBefore = await metric(/^kefu_messages_total\{sender="customer"\}/);
    await inbound('你好', `metrics-${idem()}`);
    expect(await metric(/^kefu_messages_total\{sender="customer"\}/)).toBe(customerBefore + 1);
    expect(await metric(/^kefu_messages_total\{sender="bot"\}/)).toBeGreaterThan(0);
    expect(await metric(/^kefu_messages_total\{sender="agent"\}/)).toBeGreaterThan(0);

    const agentsBefore = await metric(/^kefu_websocket_open\{kind="agent"\}/);
    const socket = await h.socket('agent', h.A.agent.token);
    expect(await metric(/^kefu_websocket_open\{kind="agent"\}/)).toBe(agentsBefore + 1);
    await socket.close();
    let after = Number.NaN;
    for (let i = 0; i < 20 && after !== agentsBefore; i++) {
      await sleep(20);
      after = await metric(/^kefu_websocket_open\{kind="agent"\}/);
    }
    expect(after).toBe(agentsBefore);
    expect(await metric(/^kefu_websocket_open\{kind="customer"\}/)).toBe(0);

    const text = (await h.request('GET', '/metrics')).text;
    expect(text).toMatch(/^# TYPE kefu_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(
      /^kefu_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/api\/v1\/inbound",status="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /kefu_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/conversations\/:id",status="200"\} \d+/,
    );
  });

  it('/docs serves the UI and /docs/json documents every route (API, sockets, operations)', async () => {
    const ui = await h.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
    expect(ui.text).toMatch(/swagger/i);

    const doc = await h.request('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    // Every route but the docs' own: the API, the sockets and the operations endpoints.
    const routes = listRoutes(h.server.app).filter((r) => !r.url.startsWith('/docs'));
    expect(routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThanOrEqual(20);
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/ws/customer', '/ws/agent', '/healthz']),
    );
    for (const r of routes) {
      const key = `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`;
      expect(documented, key).toContain(key);
      const op = doc.body.paths[r.url.replace(/:(\w+)/g, '{$1}')][r.method.toLowerCase()];
      expect(op.summary, key).toBeTruthy();
    }
    const inboundOp = doc.body.paths['/api/v1/inbound'].post;
    expect(inboundOp.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(inboundOp.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'channel',
      'customerId',
      'idempotencyKey',
      'text',
    ]);
  });
});

describe('logs', () => {
  it('are JSON lines with request ids, and hold no bearer secrets and no full phone numbers', async () => {
    await h.request('GET', `/api/v1/customers/${PHONE}`, {
      token: h.A.owner.token,
      headers: { 'x-request-id': 'trace-kefu-42' },
    });
    await h.request('GET', `/api/v1/conversations?customerId=${PHONE}&limit=5`, { token: h.A.owner.token });
    const visitor = await h.visitor(h.A.id);
    secrets.add(visitor.token);
    const s = await h.socket('customer', visitor.token);
    await s.close();
    const agent = await h.socket('agent', h.A.agent.token);
    await agent.close();
    // A failing request logs the error too; it must not carry the token either.
    await h.request('GET', '/api/v1/me', { token: `kfs_${'Z'.repeat(32)}` });
    await sleep(50);

    expect(logLines.length).toBeGreaterThan(10);
    const parsed = logLines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
    const traced = parsed.filter((l) => l.reqId === 'trace-kefu-42');
    expect(traced.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(traced)).toContain('138****5678');
    expect(parsed.some((l) => l.req?.url.startsWith('/ws/customer?token=[redacted]'))).toBe(true);
    expect(parsed.some((l) => l.req?.url.startsWith('/ws/agent?token=[redacted]'))).toBe(true);

    const all = logLines.join('\n');
    expect(all).not.toContain(PHONE);
    expect(secrets.size).toBeGreaterThan(5);
    for (const secret of secrets)
      expect(all.includes(secret), `a log line holds ${secret.slice(0, 8)}…`).toBe(false);
    expect(all).not.toContain('Z'.repeat(32));
    expect(all).not.toMatch(/kf[sk]_[A-Za-z0-9_-]{20,}/);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, closes sockets with 1001, then refuses new connections', async () => {
    let release: () => void = () => {};
    const entered = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A bot that takes its time, so a request is still running when stop() is called.
    const slow = await startHarness({
      responder: {
        async respond() {
          release();
          await sleep(300);
          return { replies: [{ content: { type: 'text', text: '慢慢来' }, intent: 'test.slow' }] };
        },
      },
    });
    try {
      const socket = await slow.socket('agent', slow.A.agent.token);
      const inFlight = slow.request('POST', '/api/v1/inbound', {
        token: slow.A.apiKey.key,
        json: { channel: 'api', customerId: 'late-shopper', text: '在吗', idempotencyKey: idem() },
      });
      await entered;
      const stopping = slow.server.stop();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body.replies).toMatchObject([{ text: '慢慢来', intent: 'test.slow' }]);
      expect((await socket.closed).code).toBe(1001);
      // Not held open by the connection that served the in-flight request.
      const late = sleep(5000).then(() => 'still stopping after 5 s');
      expect(await Promise.race([stopping.then(() => 'stopped'), late])).toBe('stopped');
      await expect(fetch(`${slow.url}/healthz`)).rejects.toThrow();
    } finally {
      await slow.close();
    }
  });
});
