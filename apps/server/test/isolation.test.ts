import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Frame,
  type Harness,
  type HttpResult,
  idem,
  listRoutes,
  type SeededTenant,
  sleep,
  startHarness,
  type TenantSnapshot,
  tenantSnapshot,
  upgradeStatus,
} from './harness.ts';

/**
 * Tenant isolation: for every route under /api, tenant A's session and A's API key aimed
 * at tenant B's resources get 401/403/404 (or, for filters and cursors, an answer with
 * nothing of B in it), and every row B owns is unchanged afterwards. Then the same over
 * WebSocket, then what each role may and may not do inside its own tenant.
 */

let h: Harness;
let A: SeededTenant;
let B: SeededTenant;

interface Ctx {
  aVisitor: { token: string; customerId: string; visitorId: string };
  aConv: string;
  aCustomer: string;
  bVisitorId: string;
  bCustomer: string;
  bConv: string;
  bQueuedConv: string;
  bMessage: string;
  bAuditId: string;
  bIntent: string;
  bExample: string;
  bModel: string;
  /** A session of A's owner that a logout probe may end without hurting the other probes. */
  aSpareSession: string;
}
let c: Ctx;
/** Strings that identify B's data; none may appear in an answer to A unless A sent it. */
let bMarkers: string[];
let bBefore: TenantSnapshot;

const B_TEXT = `B-only-secret-${Date.now()}`;

type As = 'session' | 'key' | 'visitor';
interface Probe {
  label: string;
  as: As;
  /** Overrides the token `as` picks. */
  token?: string;
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  expect: number[];
  check?: (res: HttpResult) => void;
}

const DENIED = [401, 403, 404];
const hdrB = (): Record<string, string> => ({ 'x-kefu-tenant': B.id });
/** The same attack once with A's owner session and once with A's API key. */
const both = (p: Omit<Probe, 'as' | 'expect'> & { expect?: number[] }): Probe[] => [
  { ...p, as: 'session', expect: p.expect ?? DENIED },
  { ...p, as: 'key', expect: p.expect ?? DENIED },
];
/** A page of A's own items: a list, none of whose ids belongs to B. */
const noneOfB = (field: string) => (res: HttpResult) => {
  const items = res.body[field] as { id: string }[];
  expect(Array.isArray(items)).toBe(true);
  const bIds = new Set([...bBefore.conversations, ...bBefore.messages].map((r) => (r as { id: string }).id));
  expect(items.filter((i) => bIds.has(i.id))).toEqual([]);
};

/** One entry per route under /api; a route without an entry fails the coverage test. */
const matrix: Record<string, () => Probe[]> = {
  'POST /api/v1/auth/login': () =>
    both({
      label: "A's credentials with X-Kefu-Tenant: B log into A, not B",
      path: '/api/v1/auth/login',
      json: { email: A.owner.email, password: A.owner.password },
      headers: hdrB(),
      expect: [200],
      check: (res) => expect(res.body.user.tenantId).toBe(A.id),
    }),
  'POST /api/v1/auth/logout': () => [
    {
      label: 'logout acting in B',
      as: 'session',
      token: c.aSpareSession,
      path: '/api/v1/auth/logout',
      headers: hdrB(),
      expect: [403],
    },
    { label: 'logout acting in B', as: 'key', path: '/api/v1/auth/logout', headers: hdrB(), expect: [403] },
  ],
  'GET /api/v1/me': () => both({ label: 'me in B', path: '/api/v1/me', headers: hdrB(), expect: [403] }),
  'POST /api/v1/nlu/predict': () =>
    both({
      label: "B's model in B",
      path: '/api/v1/nlu/predict',
      json: { text: '黑卡' },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/nlu/intents': () => [
    ...both({
      label: "B's intents acting in B",
      path: '/api/v1/nlu/intents',
      headers: hdrB(),
      expect: [403],
    }),
    {
      label: "A's intents hold none of B's",
      as: 'session',
      path: '/api/v1/nlu/intents',
      expect: [200],
      check: (res) =>
        expect(res.body.items.some((i: { intent: string }) => i.intent === c.bIntent)).toBe(false),
    },
  ],
  'POST /api/v1/nlu/intents': () =>
    both({
      label: 'create an intent in B',
      path: '/api/v1/nlu/intents',
      json: { intent: 'intruder.intent', name: 'x' },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/nlu/intents/:intent/examples': () =>
    both({ label: "B's intent's examples", path: `/api/v1/nlu/intents/${c.bIntent}/examples` }),
  'POST /api/v1/nlu/intents/:intent/examples': () =>
    both({
      label: "add examples to B's intent",
      path: `/api/v1/nlu/intents/${c.bIntent}/examples`,
      json: { texts: ['入侵者的例句'] },
    }),
  'DELETE /api/v1/nlu/examples/:id': () =>
    both({ label: "delete B's example", path: `/api/v1/nlu/examples/${c.bExample}` }),
  'GET /api/v1/nlu/vocabulary': () =>
    both({ label: "B's vocabulary", path: '/api/v1/nlu/vocabulary', headers: hdrB(), expect: [403] }),
  'PUT /api/v1/nlu/vocabulary': () =>
    both({
      label: "replace B's vocabulary",
      path: '/api/v1/nlu/vocabulary',
      json: { words: [] },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/nlu/settings': () =>
    both({ label: "B's NLU settings", path: '/api/v1/nlu/settings', headers: hdrB(), expect: [403] }),
  'PATCH /api/v1/nlu/settings': () =>
    both({
      label: "B's threshold",
      path: '/api/v1/nlu/settings',
      json: { threshold: 0.9 },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/nlu/models': () => [
    ...both({ label: "B's models acting in B", path: '/api/v1/nlu/models', headers: hdrB(), expect: [403] }),
    {
      label: "A's models hold none of B's",
      as: 'session',
      path: '/api/v1/nlu/models',
      expect: [200],
      check: (res) => expect(res.body.items.some((m: { id: string }) => m.id === c.bModel)).toBe(false),
    },
  ],
  'POST /api/v1/nlu/models': () =>
    both({ label: 'train a model in B', path: '/api/v1/nlu/models', headers: hdrB(), expect: [403] }),
  'POST /api/v1/nlu/models/:id/activate': () =>
    both({ label: "activate B's model in A", path: `/api/v1/nlu/models/${c.bModel}/activate` }),
  'POST /api/v1/me/password': () =>
    both({
      label: 'password change acting in B',
      path: '/api/v1/me/password',
      json: { currentPassword: A.owner.password, newPassword: A.owner.password },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/tenant': () =>
    both({ label: 'read tenant B', path: '/api/v1/tenant', headers: hdrB(), expect: [403] }),
  'POST /api/v1/tenant/brands': () =>
    both({
      label: 'create a brand under B',
      path: '/api/v1/tenant/brands',
      json: { name: `brand-in-B-${idem()}` },
      headers: hdrB(),
      expect: [403],
    }),
  'GET /api/v1/users': () =>
    both({ label: "list B's users", path: '/api/v1/users', headers: hdrB(), expect: [403] }),
  'POST /api/v1/users': () =>
    both({
      label: 'create a user in B',
      path: '/api/v1/users',
      json: { email: `intruder-${idem()}@test.kefu`, name: 'x', password: 'password-123', role: 'owner' },
      headers: hdrB(),
      expect: [403],
    }),
  'PATCH /api/v1/users/:id': () => [
    ...both({
      label: "change B's agent's role",
      path: `/api/v1/users/${B.agent.id}`,
      json: { role: 'owner' },
    }),
    {
      label: "change B's agent's role acting in B",
      as: 'session',
      path: `/api/v1/users/${B.agent.id}`,
      json: { role: 'owner' },
      headers: hdrB(),
      expect: [403],
    },
  ],
  'GET /api/v1/api-keys': () =>
    both({ label: "list B's API keys", path: '/api/v1/api-keys', headers: hdrB(), expect: [403] }),
  'POST /api/v1/api-keys': () =>
    both({
      label: 'create an API key in B',
      path: '/api/v1/api-keys',
      json: { name: 'stolen' },
      headers: hdrB(),
      expect: [403],
    }),
  'DELETE /api/v1/api-keys/:id': () => [
    ...both({ label: "revoke B's API key", path: `/api/v1/api-keys/${B.apiKey.id}` }),
    {
      label: "revoke B's API key acting in B",
      as: 'session',
      path: `/api/v1/api-keys/${B.apiKey.id}`,
      headers: hdrB(),
      expect: [403],
    },
  ],
  'GET /api/v1/audit-log': () => [
    ...both({ label: "read B's audit log", path: '/api/v1/audit-log', headers: hdrB(), expect: [403] }),
    {
      label: "page A's audit log from B's newest entry",
      as: 'session',
      path: `/api/v1/audit-log?before=${c.bAuditId}&limit=100`,
      expect: [200],
      check: (res) => expect(res.body.items.length).toBeGreaterThan(0),
    },
  ],
  'GET /api/v1/conversations': () => [
    ...both({
      label: "list B's conversations",
      path: '/api/v1/conversations',
      headers: hdrB(),
      expect: [403],
    }),
    ...both({
      label: "filter on B's customer",
      path: `/api/v1/conversations?customerId=${c.bCustomer}`,
      expect: [200],
      check: (res) => expect(res.body.items).toEqual([]),
    }),
    ...both({
      label: "filter on B's agent",
      path: `/api/v1/conversations?assigneeId=${B.agent.id}`,
      expect: [200],
      check: (res) => expect(res.body.items).toEqual([]),
    }),
    ...both({
      label: "cursor pointing into B's conversations",
      path: `/api/v1/conversations?cursor=${Buffer.from(JSON.stringify({ u: Date.now() + 1e9, i: c.bConv })).toString('base64url')}`,
      expect: [200],
      check: noneOfB('items'),
    }),
  ],
  'GET /api/v1/conversations/:id': () => [
    ...both({ label: "read B's conversation", path: `/api/v1/conversations/${c.bConv}` }),
    ...both({
      label: "read B's conversation acting in B",
      path: `/api/v1/conversations/${c.bConv}`,
      headers: hdrB(),
      expect: [403],
    }),
  ],
  'GET /api/v1/conversations/:id/messages': () => [
    ...both({ label: "read B's messages", path: `/api/v1/conversations/${c.bConv}/messages` }),
    ...both({
      label: "read B's messages acting in B",
      path: `/api/v1/conversations/${c.bConv}/messages`,
      headers: hdrB(),
      expect: [403],
    }),
    ...both({
      label: "page A's conversation from B's message id",
      path: `/api/v1/conversations/${c.aConv}/messages?before=${c.bMessage}`,
      expect: [200],
      check: noneOfB('items'),
    }),
  ],
  'POST /api/v1/conversations/:id/messages': () => [
    ...both({
      label: "reply in B's conversation",
      path: `/api/v1/conversations/${c.bConv}/messages`,
      json: { idempotencyKey: idem(), message: { text: 'hello from A' } },
    }),
    ...both({
      label: "reply in B's conversation acting in B",
      path: `/api/v1/conversations/${c.bQueuedConv}/messages`,
      json: { idempotencyKey: idem(), message: { text: 'hello from A' } },
      headers: hdrB(),
      expect: [403],
    }),
  ],
  'POST /api/v1/conversations/:id/close': () => [
    ...both({ label: "close B's conversation", path: `/api/v1/conversations/${c.bQueuedConv}/close` }),
    ...both({
      label: "close B's conversation acting in B",
      path: `/api/v1/conversations/${c.bQueuedConv}/close`,
      headers: hdrB(),
      expect: [403],
    }),
  ],
  'GET /api/v1/customers/:id': () => [
    ...both({ label: "read B's customer", path: `/api/v1/customers/${c.bCustomer}` }),
    ...both({
      label: "read B's customer acting in B",
      path: `/api/v1/customers/${c.bCustomer}`,
      headers: hdrB(),
      expect: [403],
    }),
  ],
  'POST /api/v1/inbound': () => [
    {
      label: 'inbound with a session (needs an API key)',
      as: 'session',
      path: '/api/v1/inbound',
      json: { channel: 'web', customerId: 'x', text: 'hi', idempotencyKey: idem() },
      expect: [403],
    },
    {
      label: 'inbound acting in B',
      as: 'key',
      path: '/api/v1/inbound',
      json: { channel: 'web', customerId: c.bVisitorId, text: 'hi', idempotencyKey: idem() },
      headers: hdrB(),
      expect: [403],
    },
    {
      label: "inbound naming B's shopper's external id lands on A's own customer",
      as: 'key',
      path: '/api/v1/inbound',
      json: { channel: 'web', customerId: c.bVisitorId, text: '转人工', idempotencyKey: idem() },
      expect: [200],
      check: (res) => expect([c.bConv, c.bQueuedConv]).not.toContain(res.body.conversationId),
    },
  ],
  'POST /api/v1/widget/sessions': () =>
    // Public by design (the widget on any shop page calls it): the shop is named in the
    // body, and a visitor id is looked up inside that shop only.
    both({
      label: "A's widget session with B's visitor id and X-Kefu-Tenant: B stays in A",
      path: '/api/v1/widget/sessions',
      json: { tenantId: A.id, visitorId: c.bVisitorId },
      headers: hdrB(),
      expect: [200],
      check: (res) => expect(res.body.customerId).not.toBe(c.bCustomer),
    }),
  'POST /api/v1/visitor/messages': () => [
    ...both({
      label: 'console credentials are not a visitor token',
      path: '/api/v1/visitor/messages',
      json: { idempotencyKey: idem(), message: { text: 'hi' } },
      headers: hdrB(),
      expect: [401],
    }),
    {
      label: "A's visitor with X-Kefu-Tenant: B still writes in A",
      as: 'visitor',
      path: '/api/v1/visitor/messages',
      json: { idempotencyKey: idem(), message: { text: 'hi' } },
      headers: hdrB(),
      expect: [200],
      check: (res) => expect(res.body.conversationId).toBe(c.aConv),
    },
  ],
  'GET /api/v1/visitor/messages': () => [
    ...both({
      label: 'console credentials are not a visitor token',
      path: '/api/v1/visitor/messages',
      expect: [401],
    }),
    {
      label: "A's visitor paging from B's message id, naming B",
      as: 'visitor',
      path: `/api/v1/visitor/messages?before=${c.bMessage}`,
      headers: hdrB(),
      expect: [200],
      check: (res) => expect(res.body.conversationId).toBe(c.aConv),
    },
  ],
};

function tokenOf(p: Probe): string {
  if (p.token) return p.token;
  if (p.as === 'session') return A.owner.token;
  if (p.as === 'key') return A.apiKey.key;
  return c.aVisitor.token;
}

beforeAll(async () => {
  h = await startHarness();
  A = h.A;
  B = h.B;

  // A: a widget shopper with an open conversation.
  const aVisitor = await h.visitor(A.id);
  const aFirst = await h.request('POST', '/api/v1/visitor/messages', {
    token: aVisitor.token,
    json: { idempotencyKey: idem(), message: { text: 'A 的问题' } },
  });
  expect(aFirst.status).toBe(200);

  // B: a widget shopper now talking to B's agent, and an integration customer waiting in the queue.
  const bVisitor = await h.visitor(B.id);
  const bFirst = await h.request('POST', '/api/v1/visitor/messages', {
    token: bVisitor.token,
    json: { idempotencyKey: idem(), message: { text: B_TEXT } },
  });
  expect(bFirst.status).toBe(200);
  const bReply = await h.request('POST', `/api/v1/conversations/${bFirst.body.conversationId}/messages`, {
    token: B.agent.token,
    json: { idempotencyKey: idem(), message: { text: `${B_TEXT} agent reply` } },
  });
  expect(bReply.status).toBe(201);
  const bQueued = await h.request('POST', '/api/v1/inbound', {
    token: B.apiKey.key,
    json: { channel: 'shop', customerId: 'b-buyer-1', text: '转人工', idempotencyKey: idem() },
  });
  expect(bQueued.body.state).toBe('queued');
  // B: its own intent with examples, a shop word, and a trained model.
  const bIntent = 'b_only.secret_club';
  const bOwner = { kind: 'user', tenantId: B.id, userId: B.owner.id, role: 'owner' } as const;
  await h.services.nlu.createIntent(B.id, bOwner, {
    intent: bIntent,
    name: `${B_TEXT} intent`,
    description: '',
  });
  const bExamples = await h.services.nlu.addExamples(B.id, bOwner, bIntent, [
    '黑卡会员专享',
    '黑卡会员怎么开通',
    '我要办黑卡',
    '黑卡有啥权益',
    `${B_TEXT} 黑卡`,
  ]);
  await h.services.nlu.setVocabulary(B.id, bOwner, [`${B_TEXT}词`]);
  const bModel = await h.services.nlu.train(B.id, bOwner);
  const bAudit = await h.request('GET', '/api/v1/audit-log?limit=1', { token: B.owner.token });

  c = {
    aVisitor,
    aConv: aFirst.body.conversationId,
    aCustomer: aVisitor.customerId,
    bVisitorId: bVisitor.visitorId,
    bCustomer: bVisitor.customerId,
    bConv: bFirst.body.conversationId,
    bQueuedConv: bQueued.body.conversationId,
    bMessage: bFirst.body.messageId,
    bAuditId: bAudit.body.items[0].id,
    bIntent,
    bExample: bExamples[0]!.id,
    bModel: bModel.id,
    aSpareSession: (await h.services.auth.login(A.owner.email, A.owner.password, null)).token,
  };

  bBefore = await tenantSnapshot(h.services, B.id);
  bMarkers = markersOf(bBefore);
  expect(bMarkers).toContain(c.bConv);
  expect(bMarkers).toContain(B.apiKey.key.slice(0, 10));
});

afterAll(async () => {
  await h?.close();
});

/** Ids, e-mails, names, key prefixes and message texts of B. */
function markersOf(snapshot: TenantSnapshot): string[] {
  const out = new Set<string>([B.id, B.name]);
  for (const rows of Object.values(snapshot)) {
    for (const row of rows as Record<string, unknown>[]) {
      // The bot's canned lines are the same in every shop; they identify nothing.
      if (row.sender_type === 'bot') continue;
      for (const [col, value] of Object.entries(row)) {
        if (typeof value !== 'string' || value.length < 6) continue;
        if (/(^|_)id$|email|name|prefix|^text$|welcome/.test(col) && col !== 'tenant_id') out.add(value);
      }
    }
  }
  return [...out];
}

describe('tenant isolation over HTTP', () => {
  it('has a matrix entry for every route under /api, with both A session and A API key probes', () => {
    const routes = listRoutes(h.server.app)
      .filter((r) => r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(matrix).sort()).toEqual(routes);
    for (const [route, build] of Object.entries(matrix)) {
      const probes = build();
      expect(
        probes.some((p) => p.as === 'session') && probes.some((p) => p.as === 'key'),
        `${route} needs a session probe and an API-key probe`,
      ).toBe(true);
    }
  });

  it.each(Object.keys(matrix))('%s refuses A on B and leaks nothing of B', async (route) => {
    const [method, url] = route.split(' ') as [string, string];
    for (const probe of matrix[route]!()) {
      const res = await h.request(method, probe.path, {
        token: tokenOf(probe),
        ...(probe.json !== undefined ? { json: probe.json } : {}),
        ...(probe.headers ? { headers: probe.headers } : {}),
      });
      const what = `${route} [${probe.as}] ${probe.label} (${url}) → ${res.status} ${res.text.slice(0, 300)}`;
      expect(probe.expect, what).toContain(res.status);
      if (res.status >= 400) {
        expect(typeof res.body.code, what).toBe('string');
        expect(typeof res.body.message, what).toBe('string');
      }
      const sent = `${probe.path} ${JSON.stringify(probe.json ?? '')} ${JSON.stringify(probe.headers ?? {})}`;
      for (const marker of bMarkers) {
        if (sent.includes(marker)) continue;
        expect(res.text.includes(marker), `${what}\nleaks B's "${marker}"`).toBe(false);
      }
      probe.check?.(res);
    }
  });

  it('left every row of B exactly as it was (users, sessions, keys, audit, customers, conversations, messages)', async () => {
    expect(await tenantSnapshot(h.services, B.id)).toEqual(bBefore);
  });

  it('the probes aim at real resources: B itself reads the same ids', async () => {
    for (const path of [
      `/api/v1/conversations/${c.bConv}`,
      `/api/v1/conversations/${c.bConv}/messages`,
      `/api/v1/customers/${c.bCustomer}`,
    ]) {
      const res = await h.request('GET', path, { token: B.owner.token });
      expect(res.status, path).toBe(200);
    }
    const convs = await h.request('GET', `/api/v1/conversations?customerId=${c.bCustomer}`, {
      token: B.owner.token,
    });
    expect(convs.body.items.map((x: { id: string }) => x.id)).toEqual([c.bConv]);
    const users = await h.request('GET', '/api/v1/users', { token: B.owner.token });
    expect(users.body.items.map((u: { id: string }) => u.id)).toContain(B.agent.id);
  });
});

describe('tenant isolation over WebSocket', () => {
  it("A's agent socket never receives B's messages or state changes, and cannot write into B", async () => {
    const aAgent = await h.socket('agent', A.agent.token);
    const aCustomer = await h.socket('customer', c.aVisitor.token);
    const bAgent = await h.socket('agent', B.agent.token);
    const bVisitor = await h.visitor(B.id);
    const bCustomer = await h.socket('customer', bVisitor.token);

    const key = idem('b');
    const ack = await bCustomer.request(
      { type: 'message.send', idempotencyKey: key, message: { text: `${B_TEXT} over ws` } },
      (f) => f.type === 'ack' && f.idempotencyKey === key,
    );
    const bConv = ack.message.conversationId as string;
    // Positive control: B's own agent hears it, so silence on A's side means something.
    await bAgent.waitFor((f) => f.type === 'message' && f.message.id === ack.message.id);
    const replyKey = idem('b-agent');
    await bAgent.request(
      { type: 'message.send', conversationId: bConv, idempotencyKey: replyKey, message: { text: 'B 回复' } },
      (f) => f.type === 'ack' && f.idempotencyKey === replyKey,
    );
    await bCustomer.waitFor((f) => f.type === 'message' && f.message.sender === 'agent');
    await bCustomer.waitFor((f) => f.type === 'conversation' && f.conversation.state === 'with_agent');

    // A's agent tries to write into B's conversation over its socket.
    const before = await tenantSnapshot(h.services, B.id);
    const intrusion = idem('a-intrudes');
    const refused = await aAgent.request(
      { type: 'message.send', conversationId: bConv, idempotencyKey: intrusion, message: { text: 'from A' } },
      (f) => f.idempotencyKey === intrusion,
    );
    expect(refused).toMatchObject({ type: 'error', code: 'conversation.not_found' });
    expect(await tenantSnapshot(h.services, B.id)).toEqual(before);

    // A's own traffic still flows (the socket works), and nothing of B ever reached A's sockets.
    const aKey = idem('a');
    await aCustomer.request(
      { type: 'message.send', idempotencyKey: aKey, message: { text: 'A 在吗' } },
      (f) => f.type === 'ack' && f.idempotencyKey === aKey,
    );
    await aAgent.waitFor((f) => f.type === 'message' && f.message.idempotencyKey === aKey);
    await sleep(100);
    const bIds = new Set([bConv, bVisitor.customerId, ack.message.id]);
    const leaked = (frames: Frame[]) =>
      frames.filter((f) => {
        // The refusal names the id A itself sent; that is an echo, not a leak.
        if (f.idempotencyKey === intrusion) return false;
        const s = JSON.stringify(f);
        return [...bIds].some((id) => s.includes(id)) || s.includes(B_TEXT) || s.includes('B 回复');
      });
    expect(leaked(aAgent.frames)).toEqual([]);
    expect(leaked(aCustomer.frames)).toEqual([]);
    for (const s of [aAgent, aCustomer, bAgent, bCustomer]) await s.close();
  });

  it('each socket only takes its own kind of token', async () => {
    const visitor = await h.visitor(A.id);
    expect(await upgradeStatus(`${h.wsUrl}/ws/agent?token=${visitor.token}`)).toBe(401);
    expect(await upgradeStatus(`${h.wsUrl}/ws/agent?token=${A.apiKey.key}`)).toBe(403);
    expect(await upgradeStatus(`${h.wsUrl}/ws/customer?token=${A.agent.token}`)).toBe(401);
    expect(await upgradeStatus(`${h.wsUrl}/ws/customer?token=${A.apiKey.key}`)).toBe(401);
  });
});

type Who = 'owner' | 'admin' | 'supervisor' | 'agent' | 'analyst' | 'apiKey' | 'visitor';
const everyone: Who[] = ['owner', 'admin', 'supervisor', 'agent', 'analyst', 'apiKey', 'visitor'];
const staffAndKeys: Who[] = ['owner', 'admin', 'supervisor', 'agent', 'analyst', 'apiKey'];
const chatHandlers: Who[] = ['owner', 'admin', 'supervisor', 'agent', 'apiKey'];
const nluManagers: Who[] = ['owner', 'admin', 'supervisor'];

interface Call {
  path: string;
  json?: unknown;
  token?: string;
}

/**
 * Who may call what, written out by hand (not derived from the permission table it tests).
 * Each builder returns a valid request in tenant A, so the only reason to refuse is the caller.
 */
const permissions: Record<string, { allowed: Who[]; call: (who: Who) => Promise<Call> }> = {
  'POST /api/v1/auth/logout': {
    allowed: staffAndKeys,
    call: async (who) => ({ path: '/api/v1/auth/logout', token: await spareToken(who) }),
  },
  'GET /api/v1/me': { allowed: staffAndKeys, call: async () => ({ path: '/api/v1/me' }) },
  'POST /api/v1/me/password': {
    allowed: ['owner', 'admin', 'supervisor', 'agent', 'analyst'],
    // The same password again: a valid change that leaves the other tests' logins working.
    call: async (who) => ({
      path: '/api/v1/me/password',
      json: {
        currentPassword: who === 'apiKey' || who === 'visitor' ? 'whatever-1' : A[who].password,
        newPassword: who === 'apiKey' || who === 'visitor' ? 'whatever-2' : A[who].password,
      },
    }),
  },
  'GET /api/v1/tenant': { allowed: staffAndKeys, call: async () => ({ path: '/api/v1/tenant' }) },
  'POST /api/v1/nlu/predict': {
    allowed: staffAndKeys,
    call: async () => ({ path: '/api/v1/nlu/predict', json: { text: '我的快递到哪了' } }),
  },
  'GET /api/v1/nlu/intents': { allowed: nluManagers, call: async () => ({ path: '/api/v1/nlu/intents' }) },
  'POST /api/v1/nlu/intents': {
    allowed: nluManagers,
    call: async () => ({
      path: '/api/v1/nlu/intents',
      json: { intent: `shop.i${idem().replace(/[^a-z0-9]/g, '')}`, name: '新意图' },
    }),
  },
  'GET /api/v1/nlu/intents/:intent/examples': {
    allowed: nluManagers,
    call: async () => ({ path: '/api/v1/nlu/intents/logistics.track/examples' }),
  },
  'POST /api/v1/nlu/intents/:intent/examples': {
    allowed: nluManagers,
    call: async () => ({
      path: '/api/v1/nlu/intents/logistics.track/examples',
      json: { texts: [`包裹 ${idem()} 到哪了`] },
    }),
  },
  'DELETE /api/v1/nlu/examples/:id': {
    allowed: nluManagers,
    call: async () => {
      const owner = { kind: 'user', tenantId: A.id, userId: A.owner.id, role: 'owner' } as const;
      const [example] = await h.services.nlu.addExamples(A.id, owner, 'logistics.track', [
        `单子 ${idem()} 在哪`,
      ]);
      return { path: `/api/v1/nlu/examples/${example!.id}` };
    },
  },
  'GET /api/v1/nlu/vocabulary': {
    allowed: nluManagers,
    call: async () => ({ path: '/api/v1/nlu/vocabulary' }),
  },
  'PUT /api/v1/nlu/vocabulary': {
    allowed: nluManagers,
    call: async () => ({ path: '/api/v1/nlu/vocabulary', json: { words: ['小黑裙'] } }),
  },
  'GET /api/v1/nlu/settings': { allowed: nluManagers, call: async () => ({ path: '/api/v1/nlu/settings' }) },
  'PATCH /api/v1/nlu/settings': {
    allowed: nluManagers,
    call: async () => ({ path: '/api/v1/nlu/settings', json: { threshold: 0.35 } }),
  },
  'GET /api/v1/nlu/models': { allowed: nluManagers, call: async () => ({ path: '/api/v1/nlu/models' }) },
  'POST /api/v1/nlu/models': { allowed: nluManagers, call: async () => ({ path: '/api/v1/nlu/models' }) },
  'POST /api/v1/nlu/models/:id/activate': {
    allowed: nluManagers,
    call: async () => ({ path: '/api/v1/nlu/models/builtin/activate' }),
  },
  'POST /api/v1/tenant/brands': {
    allowed: ['owner'],
    call: async () => ({ path: '/api/v1/tenant/brands', json: { name: `brand ${idem()}` } }),
  },
  'GET /api/v1/users': {
    allowed: ['owner', 'admin', 'supervisor', 'analyst'],
    call: async () => ({ path: '/api/v1/users' }),
  },
  'POST /api/v1/users': {
    allowed: ['owner', 'admin'],
    call: async () => ({
      path: '/api/v1/users',
      json: { email: `new-${idem()}@test.kefu`, name: 'New', password: 'password-123', role: 'agent' },
    }),
  },
  'PATCH /api/v1/users/:id': {
    allowed: ['owner', 'admin'],
    call: async () => ({ path: `/api/v1/users/${A.agent.id}`, json: { role: 'agent' } }),
  },
  'GET /api/v1/api-keys': { allowed: ['owner', 'admin'], call: async () => ({ path: '/api/v1/api-keys' }) },
  'POST /api/v1/api-keys': {
    allowed: ['owner', 'admin'],
    call: async () => ({ path: '/api/v1/api-keys', json: { name: 'ci' } }),
  },
  'DELETE /api/v1/api-keys/:id': {
    allowed: ['owner', 'admin'],
    call: async () => ({
      path: `/api/v1/api-keys/${(await h.services.apiKeys.create(A.id, null, 'throwaway')).info.id}`,
    }),
  },
  'GET /api/v1/audit-log': { allowed: ['owner', 'admin'], call: async () => ({ path: '/api/v1/audit-log' }) },
  'GET /api/v1/conversations': {
    allowed: staffAndKeys,
    call: async () => ({ path: '/api/v1/conversations' }),
  },
  'GET /api/v1/conversations/:id': {
    allowed: staffAndKeys,
    call: async () => ({ path: `/api/v1/conversations/${c.aConv}` }),
  },
  'GET /api/v1/conversations/:id/messages': {
    allowed: staffAndKeys,
    call: async () => ({ path: `/api/v1/conversations/${c.aConv}/messages` }),
  },
  'POST /api/v1/conversations/:id/messages': {
    allowed: chatHandlers,
    call: async () => ({
      path: `/api/v1/conversations/${await freshConversation()}/messages`,
      json: { idempotencyKey: idem(), message: { text: '您好' } },
    }),
  },
  'POST /api/v1/conversations/:id/close': {
    allowed: chatHandlers,
    call: async () => ({ path: `/api/v1/conversations/${await freshConversation()}/close` }),
  },
  'GET /api/v1/customers/:id': {
    allowed: staffAndKeys,
    call: async () => ({ path: `/api/v1/customers/${c.aCustomer}` }),
  },
  'POST /api/v1/inbound': {
    allowed: ['apiKey'],
    call: async () => ({
      path: '/api/v1/inbound',
      json: { channel: 'api', customerId: `c-${idem()}`, text: '你好', idempotencyKey: idem() },
    }),
  },
  'POST /api/v1/visitor/messages': {
    allowed: ['visitor'],
    call: async () => ({
      path: '/api/v1/visitor/messages',
      json: { idempotencyKey: idem(), message: { text: '你好' } },
    }),
  },
  'GET /api/v1/visitor/messages': {
    allowed: ['visitor'],
    call: async () => ({ path: '/api/v1/visitor/messages' }),
  },
};
/** Routes anyone may call (they take credentials in the body or none). */
const publicRoutes = ['POST /api/v1/auth/login', 'POST /api/v1/widget/sessions'];

function tokenFor(who: Who): string {
  if (who === 'apiKey') return A.apiKey.key;
  if (who === 'visitor') return c.aVisitor.token;
  return A[who].token;
}

async function spareToken(who: Who): Promise<string> {
  if (who === 'apiKey' || who === 'visitor') return tokenFor(who);
  const u = A[who];
  return (await h.services.auth.login(u.email, u.password, null)).token;
}

async function freshConversation(): Promise<string> {
  const customerId = await h.services.conversations.resolveCustomer(A.id, 'api', `p-${idem()}`);
  const r = await h.services.conversations.receiveFromCustomer(A.id, {
    customerId,
    channel: 'api',
    idempotencyKey: idem(),
    content: { type: 'text', text: '在吗' },
  });
  return r.conversation.id;
}

describe('permissions by role inside one tenant', () => {
  it('covers every route under /api', () => {
    const routes = listRoutes(h.server.app)
      .filter((r) => r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect([...Object.keys(permissions), ...publicRoutes].sort()).toEqual(routes);
  });

  it.each(Object.keys(permissions))('%s: only the allowed roles get through', async (route) => {
    const [method] = route.split(' ') as [string];
    const entry = permissions[route]!;
    for (const who of everyone) {
      const call = await entry.call(who);
      const res = await h.request(method, call.path, {
        token: call.token ?? tokenFor(who),
        ...(call.json !== undefined ? { json: call.json } : {}),
      });
      const what = `${route} as ${who} → ${res.status} ${res.text.slice(0, 200)}`;
      if (entry.allowed.includes(who)) {
        expect(res.status, what).toBeGreaterThanOrEqual(200);
        expect(res.status, what).toBeLessThan(300);
      } else if (who === 'visitor' || entry.allowed.includes('visitor')) {
        // A visitor JWT is not a console credential, and console credentials are not visitor tokens.
        expect(res.status, what).toBe(401);
        expect(res.body.code, what).toBe('auth.invalid_token');
      } else {
        expect(res.status, what).toBe(403);
        expect(res.body.code, what).toBe('auth.forbidden');
      }
    }
  });

  it('an admin cannot create an owner, nor promote anyone to owner, nor demote the owner', async () => {
    const before = await tenantSnapshot(h.services, A.id);
    const create = await h.request('POST', '/api/v1/users', {
      token: A.admin.token,
      json: { email: `boss-${idem()}@test.kefu`, name: 'Boss', password: 'password-123', role: 'owner' },
    });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('user.role_not_grantable');
    const promote = await h.request('PATCH', `/api/v1/users/${A.agent.id}`, {
      token: A.admin.token,
      json: { role: 'owner' },
    });
    expect(promote.status).toBe(403);
    const demote = await h.request('PATCH', `/api/v1/users/${A.owner.id}`, {
      token: A.admin.token,
      json: { role: 'agent' },
    });
    expect(demote.status).toBe(403);
    const after = await tenantSnapshot(h.services, A.id);
    expect(after.users).toEqual(before.users);
    expect(after.audit_log).toEqual(before.audit_log);
  });

  it('an analyst cannot reply over the agent socket either, and nothing is stored', async () => {
    const conv = await freshConversation();
    const socket = await h.socket('agent', A.analyst.token);
    const key = idem('analyst');
    const before = await tenantSnapshot(h.services, A.id);
    const reply = await socket.request(
      { type: 'message.send', conversationId: conv, idempotencyKey: key, message: { text: '我来回复' } },
      (f) => f.idempotencyKey === key,
    );
    expect(reply).toMatchObject({ type: 'error', code: 'auth.forbidden' });
    expect((await tenantSnapshot(h.services, A.id)).messages).toEqual(before.messages);
    // ...but the analyst still watches: the socket stays open and answers pings.
    const pong = await socket.request({ type: 'ping' }, (f) => f.type === 'pong');
    expect(pong.type).toBe('pong');
    await socket.close();
  });
});
