import { AuthService, VisitorTokens } from '@kefu/tenancy';
import { postgresAvailable } from '@kefu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  type HarnessOptions,
  type HttpResult,
  idem,
  listRoutes,
  type RequestOptions,
  type RouteInfo,
  rowCounts,
  sleep,
  startHarness,
} from './harness.ts';

/**
 * Every class of bad input the issue names gets a 4xx with `{ code, message }` naming the
 * problem — never a 500 — and leaves the store exactly as it was. Runs on SQLite and, when
 * it is up (always under CI=true), on PostgreSQL, which is stricter about text.
 */

const setups: { name: string; options: HarnessOptions; skip: boolean }[] = [
  { name: 'SQLite', options: {}, skip: false },
  { name: 'PostgreSQL', options: { store: 'postgres' }, skip: !(await postgresAvailable()) },
];

describe.each(setups)('bad input on $name', ({ options, skip }) => {
  let h: Harness;
  let visitor: { token: string; customerId: string };
  let conv: string;
  let routes: RouteInfo[];

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(options);
    visitor = await h.visitor(h.A.id);
    const first = await h.request('POST', '/api/v1/visitor/messages', {
      token: visitor.token,
      json: { idempotencyKey: idem(), message: { text: '你好' } },
    });
    conv = first.body.conversationId;
    routes = listRoutes(h.server.app).filter((r) => r.url.startsWith('/api/'));
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The credential each route takes, for tenant A. */
  const tokenFor = (url: string): string | undefined => {
    if (url === '/api/v1/inbound') return h.A.apiKey.key;
    if (url.startsWith('/api/v1/visitor/')) return visitor.token;
    if (url === '/api/v1/auth/login' || url === '/api/v1/widget/sessions') return undefined;
    return h.A.owner.token;
  };
  /** A route's URL with its :id filled with a real id of A. */
  const concrete = (url: string): string =>
    url
      .replace('/conversations/:id', `/conversations/${conv}`)
      .replace('/users/:id', `/users/${h.A.agent.id}`)
      .replace('/api-keys/:id', `/api-keys/${h.A.apiKey.id}`)
      .replace('/customers/:id', `/customers/${visitor.customerId}`)
      .replace('/intents/:intent', '/intents/logistics.track')
      .replace('/nlu/models/:id', '/nlu/models/builtin')
      .replace('/nlu/examples/:id', '/nlu/examples/none');

  /** Asserts a refusal: the status, a Kefu error body, and (optionally) the code and what it names. */
  function refused(res: HttpResult, status: number, code?: string, names?: RegExp): void {
    const what = `${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, what).toBe(status);
    expect(res.headers.get('content-type'), what).toContain('application/json');
    expect(typeof res.body.code, what).toBe('string');
    expect(typeof res.body.message, what).toBe('string');
    expect(res.body.message.length, what).toBeGreaterThan(5);
    if (code) expect(res.body.code, what).toBe(code);
    if (names) expect(res.body.message, what).toMatch(names);
  }

  /** Runs `fn` and asserts no table gained or lost a row. */
  async function noWrite(fn: () => Promise<void>): Promise<void> {
    const before = await rowCounts(h.services);
    await fn();
    expect(await rowCounts(h.services)).toEqual(before);
  }

  const send = (method: string, path: string, options: RequestOptions) => h.request(method, path, options);
  const json = { 'content-type': 'application/json' };

  it.skipIf(skip)('malformed JSON on every route that takes a body → 400 request.invalid_json', async () => {
    const writers = routes.filter((r) => r.method === 'POST' || r.method === 'PATCH');
    expect(writers.length).toBeGreaterThanOrEqual(10);
    await noWrite(async () => {
      for (const r of writers) {
        for (const raw of ['{"text": "hi"', '{text: 1}', "{'a': 1}", '[1,]', '{"a":1}}']) {
          const res = await send(r.method, concrete(r.url), { token: tokenFor(r.url), raw, headers: json });
          refused(res, 400, 'request.invalid_json', /not valid JSON/);
        }
        const empty = await send(r.method, concrete(r.url), {
          token: tokenFor(r.url),
          raw: ' ',
          headers: json,
        });
        refused(empty, 400, 'request.empty_body');
      }
    });
    // The failed logout did not end the session.
    expect((await send('GET', '/api/v1/me', { token: h.A.owner.token })).status).toBe(200);
  });

  it.skipIf(skip)('JSON that is not an object on every body route → 400 naming the body', async () => {
    const withSchema = routes.filter(
      (r) =>
        (r.method === 'POST' || r.method === 'PATCH') &&
        !/logout|close$|\/nlu\/models$|activate$/.test(r.url),
    );
    await noWrite(async () => {
      for (const r of withSchema) {
        for (const raw of ['null', '[]', '"text"', '42', 'true']) {
          const res = await send(r.method, concrete(r.url), { token: tokenFor(r.url), raw, headers: json });
          refused(res, 400, 'request.invalid', /body/);
        }
      }
    });
  });

  it.skipIf(skip)('missing fields → 400 naming each missing field', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/api/v1/inbound', {}, /body\.channel.*body\.customerId.*body\.text.*body\.idempotencyKey/],
      ['POST', '/api/v1/inbound', { channel: 'web', customerId: 'c1', idempotencyKey: 'k' }, /body\.text/],
      ['POST', '/api/v1/inbound', { channel: 'web', customerId: 'c1', text: 'hi' }, /body\.idempotencyKey/],
      ['POST', '/api/v1/visitor/messages', { message: { text: 'hi' } }, /body\.idempotencyKey/],
      ['POST', '/api/v1/visitor/messages', { idempotencyKey: 'k' }, /body\.message/],
      ['POST', `/api/v1/conversations/${conv}/messages`, { idempotencyKey: 'k' }, /body\.message/],
      ['POST', '/api/v1/users', { email: 'x@y.io', name: 'x', password: 'password-1' }, /body\.role/],
      ['PATCH', `/api/v1/users/${'x'}`, {}, /body\.role/],
      ['POST', '/api/v1/api-keys', {}, /body\.name/],
      ['POST', '/api/v1/tenant/brands', {}, /body\.name/],
      ['POST', '/api/v1/auth/login', { email: 'x@y.io' }, /body\.password/],
      ['POST', '/api/v1/widget/sessions', {}, /body\.tenantId/],
    ];
    await noWrite(async () => {
      for (const [method, path, body, names] of cases) {
        const res = await send(method, path, { token: tokenFor(path), json: body });
        refused(res, 400, 'request.invalid', names);
        expect(Array.isArray(res.body.details?.issues)).toBe(true);
      }
    });
  });

  it.skipIf(skip)('wrong types and values → 400 naming the field', async () => {
    const inbound = { channel: 'web', customerId: 'c1', text: 'hi', idempotencyKey: 'k' };
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/api/v1/inbound', { ...inbound, text: 123 }, /body\.text/],
      ['POST', '/api/v1/inbound', { ...inbound, text: '   ' }, /body\.text: text must not be empty/],
      ['POST', '/api/v1/inbound', { ...inbound, channel: 'Web Shop!' }, /body\.channel/],
      ['POST', '/api/v1/inbound', { ...inbound, customerId: { id: 1 } }, /body\.customerId/],
      ['POST', '/api/v1/inbound', { ...inbound, customerId: 'x'.repeat(129) }, /body\.customerId/],
      ['POST', '/api/v1/inbound', { ...inbound, idempotencyKey: 5 }, /body\.idempotencyKey/],
      ['POST', '/api/v1/inbound', { ...inbound, idempotencyKey: '' }, /body\.idempotencyKey/],
      ['POST', '/api/v1/inbound', { ...inbound, idempotencyKey: 'k'.repeat(129) }, /body\.idempotencyKey/],
      ['POST', '/api/v1/visitor/messages', { idempotencyKey: 'k', message: 'hi' }, /body\.message/],
      [
        'POST',
        '/api/v1/visitor/messages',
        { idempotencyKey: 'k', message: { type: 'video', text: 'x' } },
        /body\.message\.type/,
      ],
      [
        'POST',
        '/api/v1/visitor/messages',
        { idempotencyKey: 'k', message: { text: 'x', payload: 'p' } },
        /body\.message\.payload/,
      ],
      [
        'POST',
        `/api/v1/conversations/${conv}/messages`,
        { idempotencyKey: ['k'], message: { text: 'x' } },
        /body\.idempotencyKey/,
      ],
      [
        'POST',
        '/api/v1/users',
        { email: 'not-an-email', name: 'x', password: 'password-1', role: 'agent' },
        /body\.email: must be an e-mail/,
      ],
      [
        'POST',
        '/api/v1/users',
        { email: 'a@b.io', name: 'x', password: 'short', role: 'agent' },
        /body\.password: must be at least 8/,
      ],
      [
        'POST',
        '/api/v1/users',
        { email: 'a@b.io', name: 'x', password: 'password-1', role: 'king' },
        /body\.role/,
      ],
      ['PATCH', `/api/v1/users/${'x'}`, { role: 'superuser' }, /body\.role/],
      ['POST', '/api/v1/api-keys', { name: '' }, /body\.name/],
      ['POST', '/api/v1/api-keys', { name: 'n'.repeat(101) }, /body\.name/],
      ['POST', '/api/v1/tenant/brands', { name: 42 }, /body\.name/],
      ['POST', '/api/v1/auth/login', { email: 'x@y.io', password: 12345678 }, /body\.password/],
      ['POST', '/api/v1/widget/sessions', { tenantId: h?.A.id, visitorId: 'not-ours' }, /body\.visitorId/],
    ];
    await noWrite(async () => {
      for (const [method, path, body, names] of cases) {
        const res = await send(method, path, { token: tokenFor(path), json: body });
        refused(res, 400, 'request.invalid', names);
      }
    });
  });

  it.skipIf(skip)('text over 8,000 characters → 400 on every way in; exactly 8,000 is accepted', async () => {
    const over = 'x'.repeat(8001);
    const overCjk = '好'.repeat(8001);
    await noWrite(async () => {
      for (const text of [over, overCjk]) {
        refused(
          await send('POST', '/api/v1/inbound', {
            token: h.A.apiKey.key,
            json: { channel: 'web', customerId: 'long', text, idempotencyKey: idem() },
          }),
          400,
          'request.invalid',
          /body\.text: text is longer than 8000 characters/,
        );
        refused(
          await send('POST', '/api/v1/visitor/messages', {
            token: visitor.token,
            json: { idempotencyKey: idem(), message: { text } },
          }),
          400,
          'request.invalid',
          /body\.message\.text: text is longer than 8000/,
        );
        refused(
          await send('POST', `/api/v1/conversations/${conv}/messages`, {
            token: h.A.agent.token,
            json: { idempotencyKey: idem(), message: { text } },
          }),
          400,
          'request.invalid',
          /8000/,
        );
      }
    });
    // Characters, not bytes: 8,000 Chinese characters (24,000 bytes) fit.
    const ok = await send('POST', '/api/v1/visitor/messages', {
      token: visitor.token,
      json: { idempotencyKey: idem(), message: { text: '好'.repeat(8000) } },
    });
    expect(ok.status).toBe(200);
  });

  it.skipIf(skip)('a body over the 256 KB limit → 413 request.too_large', async () => {
    await noWrite(async () => {
      const big = JSON.stringify({
        channel: 'web',
        customerId: 'big',
        text: 'hi',
        idempotencyKey: idem(),
        padding: 'p'.repeat(260 * 1024),
      });
      refused(
        await send('POST', '/api/v1/inbound', { token: h.A.apiKey.key, raw: big, headers: json }),
        413,
        'request.too_large',
      );
      const bigVisitor = JSON.stringify({ idempotencyKey: idem(), message: { text: 'x'.repeat(300_000) } });
      refused(
        await send('POST', '/api/v1/visitor/messages', {
          token: visitor.token,
          raw: bigVisitor,
          headers: json,
        }),
        413,
        'request.too_large',
      );
    });
  });

  it.skipIf(skip)(
    'invalid UTF-8, NUL characters and unpaired surrogates → 400, on every store alike',
    async () => {
      const prefix = Buffer.from('{"channel":"web","customerId":"u8","idempotencyKey":"u8-1","text":"');
      const suffix = Buffer.from('"}');
      const badBytes = [
        [0xff, 0xfe],
        [0xc0, 0xaf], // overlong "/"
        [0xe4, 0xbd], // truncated 你
        [0xed, 0xa0, 0x80], // an encoded surrogate
      ];
      await noWrite(async () => {
        for (const bytes of badBytes) {
          const raw = new Uint8Array(Buffer.concat([prefix, Buffer.from(bytes), suffix]));
          const res = await send('POST', '/api/v1/inbound', { token: h.A.apiKey.key, raw, headers: json });
          refused(res, 400, 'request.invalid_utf8', /UTF-8/);
        }
        const escapes: [string, string, RegExp][] = [
          [
            '/api/v1/inbound',
            '{"channel":"web","customerId":"u8","idempotencyKey":"u8-2","text":"a\\u0000b"}',
            /body\.text/,
          ],
          [
            '/api/v1/inbound',
            '{"channel":"web","customerId":"a\\u0000","idempotencyKey":"u8-3","text":"ab"}',
            /body\.customerId/,
          ],
          [
            '/api/v1/inbound',
            '{"channel":"web","customerId":"u8","idempotencyKey":"\\u0000","text":"ab"}',
            /body\.idempotencyKey/,
          ],
          [
            '/api/v1/inbound',
            '{"channel":"web","customerId":"u8","idempotencyKey":"u8-4","text":"x\\ud800y"}',
            /body\.text/,
          ],
          [
            '/api/v1/visitor/messages',
            '{"idempotencyKey":"u8-5","message":{"type":"card","text":"","payload":{"k":"\\u0000"}}}',
            /body\.message\.payload\.k/,
          ],
        ];
        for (const [path, raw, names] of escapes) {
          const res = await send('POST', path, { token: tokenFor(path), raw, headers: json });
          refused(res, 400, 'request.invalid_text', names);
        }
        refused(
          await send('GET', '/api/v1/conversations/a%00b', { token: h.A.owner.token }),
          400,
          'request.invalid_text',
        );
        refused(
          await send('GET', '/api/v1/conversations?customerId=%00', { token: h.A.owner.token }),
          400,
          'request.invalid_text',
        );
      });
      // A properly paired surrogate (an emoji written as escapes) is fine.
      const emoji = await send('POST', '/api/v1/inbound', {
        token: h.A.apiKey.key,
        raw: `{"channel":"web","customerId":"u8","idempotencyKey":"${idem()}","text":"ok \\ud83d\\ude00"}`,
        headers: json,
      });
      expect(emoji.status).toBe(200);
    },
  );

  it.skipIf(skip)('unknown ids → 404 with the kind of thing not found', async () => {
    const owner = h.A.owner.token;
    await noWrite(async () => {
      refused(
        await send('GET', '/api/v1/conversations/nope', { token: owner }),
        404,
        'conversation.not_found',
      );
      refused(
        await send('GET', '/api/v1/conversations/nope/messages', { token: owner }),
        404,
        'conversation.not_found',
      );
      refused(
        await send('POST', '/api/v1/conversations/nope/messages', {
          token: h.A.agent.token,
          json: { idempotencyKey: idem(), message: { text: 'hi' } },
        }),
        404,
        'conversation.not_found',
      );
      refused(
        await send('POST', '/api/v1/conversations/nope/close', { token: owner }),
        404,
        'conversation.not_found',
      );
      refused(await send('GET', '/api/v1/customers/nope', { token: owner }), 404, 'customer.not_found');
      refused(
        await send('PATCH', '/api/v1/users/nope', { token: owner, json: { role: 'agent' } }),
        404,
        'user.not_found',
      );
      refused(await send('DELETE', '/api/v1/api-keys/nope', { token: owner }), 404, 'api_key.not_found');
      refused(
        await send('POST', '/api/v1/widget/sessions', { json: { tenantId: 'no-such-shop' } }),
        404,
        'tenant.not_found',
      );
      refused(
        await send('GET', '/api/v1/me', { token: owner, headers: { 'x-kefu-tenant': 'no-such-tenant' } }),
        403,
        'auth.tenant_forbidden',
      );
      refused(await send('GET', '/api/v1/nothing-here', { token: owner }), 404, 'route.not_found');
      refused(await send('PUT', '/api/v1/conversations', { token: owner }), 404, 'route.not_found');
    });
  });

  it.skipIf(skip)("other tenants' ids → 404, and nothing is written anywhere", async () => {
    const bVisitor = await h.visitor(h.B.id);
    const bFirst = await send('POST', '/api/v1/visitor/messages', {
      token: bVisitor.token,
      json: { idempotencyKey: idem(), message: { text: 'B' } },
    });
    const bConv = bFirst.body.conversationId as string;
    const owner = h.A.owner.token;
    await noWrite(async () => {
      refused(
        await send('GET', `/api/v1/conversations/${bConv}`, { token: owner }),
        404,
        'conversation.not_found',
      );
      refused(
        await send('POST', `/api/v1/conversations/${bConv}/messages`, {
          token: owner,
          json: { idempotencyKey: idem(), message: { text: 'hi' } },
        }),
        404,
      );
      refused(await send('POST', `/api/v1/conversations/${bConv}/close`, { token: h.A.apiKey.key }), 404);
      refused(await send('GET', `/api/v1/customers/${bVisitor.customerId}`, { token: owner }), 404);
      refused(
        await send('PATCH', `/api/v1/users/${h.B.owner.id}`, { token: owner, json: { role: 'agent' } }),
        404,
      );
      refused(await send('DELETE', `/api/v1/api-keys/${h.B.apiKey.id}`, { token: owner }), 404);
    });
  });

  it.skipIf(skip)('expired tokens → 401 auth.token_expired', async () => {
    // A session minted with a 1 ms lifetime against the server's own store.
    const shortLived = new AuthService(h.services.database, h.services.cache, { sessionTtlMs: 1 });
    const { token } = await shortLived.login(h.A.agent.email, h.A.agent.password, null);
    await sleep(10);
    const expiredVisitor = await new VisitorTokens(h.config.secret, -60).issue({
      tenantId: h.A.id,
      customerId: visitor.customerId,
      channel: 'web',
    });
    refused(await send('GET', '/api/v1/me', { token }), 401, 'auth.token_expired', /log in again/);
    // The expired session is cleared on sight; after that it is simply unknown.
    refused(await send('GET', '/api/v1/me', { token }), 401, 'auth.invalid_token');
    await noWrite(async () => {
      refused(
        await send('POST', `/api/v1/conversations/${conv}/messages`, {
          token,
          json: { idempotencyKey: idem(), message: { text: 'late' } },
        }),
        401,
      );
      refused(
        await send('POST', '/api/v1/visitor/messages', {
          token: expiredVisitor.token,
          json: { idempotencyKey: idem(), message: { text: 'late' } },
        }),
        401,
        'auth.token_expired',
      );
    });
  });

  it.skipIf(skip)('forged, tampered, revoked and logged-out tokens → 401 auth.invalid_token', async () => {
    const real = await new VisitorTokens(h.config.secret, 3600).issue({
      tenantId: h.A.id,
      customerId: visitor.customerId,
      channel: 'web',
    });
    const otherSecret = await new VisitorTokens('a-different-secret-of-sufficient-length-xyz', 3600).issue({
      tenantId: h.A.id,
      customerId: visitor.customerId,
      channel: 'web',
    });
    const [head, payload, sig] = real.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = [
      head,
      Buffer.from(JSON.stringify({ ...claims, tid: h.B.id })).toString('base64url'),
      sig,
    ].join('.');
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      payload,
      '',
    ].join('.');
    const created = await send('POST', '/api/v1/api-keys', {
      token: h.A.owner.token,
      json: { name: 'to revoke' },
    });
    await send('DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`, { token: h.A.owner.token });
    const session = await h.services.auth.login(h.A.agent.email, h.A.agent.password, null);
    await send('POST', '/api/v1/auth/logout', { token: session.token });

    const consoleTokens = [
      `kfs_${'A'.repeat(32)}`,
      `kfk_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`,
      'not-a-token-at-all',
      real.token, // a visitor token is no console credential
      created.body.key as string, // revoked
      session.token, // logged out
    ];
    await noWrite(async () => {
      for (const token of consoleTokens) {
        refused(await send('GET', '/api/v1/me', { token }), 401, 'auth.invalid_token');
        refused(
          await send('POST', '/api/v1/inbound', {
            token,
            json: { channel: 'web', customerId: 'forged', text: 'hi', idempotencyKey: idem() },
          }),
          401,
          'auth.invalid_token',
        );
      }
      for (const token of [otherSecret.token, tampered, unsigned, h.A.owner.token, 'x.y.z']) {
        refused(
          await send('POST', '/api/v1/visitor/messages', {
            token,
            json: { idempotencyKey: idem(), message: { text: 'hi' } },
          }),
          401,
          'auth.invalid_token',
        );
      }
    });
    // The untampered token still works, so the refusals above are about the forgery.
    expect((await send('GET', '/api/v1/visitor/messages', { token: real.token })).status).toBe(200);
  });

  it.skipIf(skip)(
    'no Authorization header (or not a Bearer one) → 401 on every non-public route',
    async () => {
      const guarded = routes.filter((r) => tokenFor(r.url) !== undefined);
      expect(guarded.length).toBeGreaterThanOrEqual(15);
      await noWrite(async () => {
        for (const r of guarded) {
          const body =
            r.method === 'GET' || r.method === 'DELETE' ? {} : { json: { anything: 'even invalid' } };
          refused(await send(r.method, concrete(r.url), body), 401, 'auth.missing_token', /Bearer/);
          refused(
            await send(r.method, concrete(r.url), {
              ...body,
              headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
            }),
            401,
            'auth.missing_token',
          );
        }
      });
    },
  );

  it.skipIf(skip)('a body that is not JSON → 415 request.unsupported_media_type', async () => {
    await noWrite(async () => {
      for (const [type, raw] of [
        ['text/plain', 'hello'],
        ['application/x-www-form-urlencoded', 'channel=web&customerId=c&text=hi&idempotencyKey=k'],
        [
          'multipart/form-data; boundary=x',
          '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--x--',
        ],
        ['application/xml', '<text>hi</text>'],
      ] as const) {
        const res = await send('POST', '/api/v1/inbound', {
          token: h.A.apiKey.key,
          raw,
          headers: { 'content-type': type },
        });
        refused(res, 415, 'request.unsupported_media_type', /application\/json/);
      }
    });
  });

  it.skipIf(skip)('bad query parameters → 400 naming the parameter', async () => {
    const owner = h.A.owner.token;
    const cursorOfWrongShape = Buffer.from(JSON.stringify({ x: 1 })).toString('base64url');
    const cases: [string, string, RegExp][] = [
      ['/api/v1/conversations?limit=0', 'request.invalid', /querystring\.limit/],
      ['/api/v1/conversations?limit=abc', 'request.invalid', /querystring\.limit/],
      ['/api/v1/conversations?limit=101', 'request.invalid', /querystring\.limit/],
      ['/api/v1/conversations?limit=-1', 'request.invalid', /querystring\.limit/],
      ['/api/v1/conversations?limit=1.5', 'request.invalid', /querystring\.limit/],
      ['/api/v1/conversations?state=open', 'request.invalid', /querystring\.state/],
      ['/api/v1/conversations?cursor=not-a-cursor', 'request.invalid_cursor', /cursor/],
      [`/api/v1/conversations?cursor=${cursorOfWrongShape}`, 'request.invalid_cursor', /cursor/],
      [`/api/v1/conversations?cursor=${'c'.repeat(501)}`, 'request.invalid', /querystring\.cursor/],
      [`/api/v1/conversations/${conv}/messages?limit=0`, 'request.invalid', /querystring\.limit/],
      [`/api/v1/conversations/${conv}/messages?limit=abc`, 'request.invalid', /querystring\.limit/],
      ['/api/v1/audit-log?limit=1000', 'request.invalid', /querystring\.limit/],
      [`/api/v1/conversations/${'x'.repeat(65)}`, 'request.invalid', /params\.id/],
    ];
    for (const [path, code, names] of cases) {
      refused(await send('GET', path, { token: owner }), 400, code, names);
    }
    refused(
      await send('GET', '/api/v1/visitor/messages?limit=0', { token: visitor.token }),
      400,
      'request.invalid',
    );
  });

  it.skipIf(skip)(
    'a WebSocket text frame with invalid UTF-8 closes that socket (1007); the server carries on',
    async () => {
      const socket = await h.socket('customer', visitor.token);
      socket.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
      const { code } = await socket.closed;
      expect(code).toBe(1007);
      // A frame over the 64 KB socket limit closes that socket with 1009 (too big).
      const big = await h.socket('customer', visitor.token);
      big.send({ type: 'message.send', idempotencyKey: idem(), message: { text: 'x'.repeat(70_000) } });
      expect((await big.closed).code).toBe(1009);
      const again = await h.socket('customer', visitor.token);
      expect(await again.request({ type: 'ping' }, (f) => f.type === 'pong')).toEqual({ type: 'pong' });
      await again.close();
    },
  );

  it.skipIf(skip)('a URL that is not valid percent-encoded UTF-8 → 400 request.invalid_url', async () => {
    await noWrite(async () => {
      refused(
        await send('GET', '/api/v1/conversations/%ED%A0%80', { token: h.A.owner.token }),
        400,
        'request.invalid_url',
      );
    });
  });

  it.skipIf(skip)(
    'an idempotency key reused for a reply in another conversation → 409, not the old message',
    async () => {
      const other = await h.visitor(h.A.id);
      const second = await h.request('POST', '/api/v1/visitor/messages', {
        token: other.token,
        json: { idempotencyKey: idem(), message: { text: '在吗' } },
      });
      const key = idem();
      const first = await send('POST', `/api/v1/conversations/${conv}/messages`, {
        token: h.A.agent.token,
        json: { idempotencyKey: key, message: { text: '您好' } },
      });
      expect(first.status).toBe(201);
      await noWrite(async () => {
        refused(
          await send('POST', `/api/v1/conversations/${second.body.conversationId}/messages`, {
            token: h.A.agent.token,
            json: { idempotencyKey: key, message: { text: '您好' } },
          }),
          409,
          'message.idempotency_key_reused',
        );
      });
    },
  );
});
