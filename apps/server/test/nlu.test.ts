import { postgresAvailable, redisAvailable } from '@kefu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const scaledUp = (await postgresAvailable()) && (await redisAvailable());

/**
 * The shop's NLU over HTTP: predict with the built-in model, teach a new intent, train a new
 * version that swaps in without a restart, tune the threshold, roll back; bad input refused
 * with a reason.
 */
let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness();
  token = h.A.admin.token;
});

afterAll(async () => {
  await h?.close();
});

const predict = async (text: string) => {
  const res = await h.request('POST', '/api/v1/nlu/predict', { token, json: { text } });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

const MEMBER_CARD = [
  '黑卡会员怎么开通',
  '我想办个黑卡',
  '黑卡一年多少钱',
  '黑卡有什么特权',
  '开通黑卡送啥',
  '黑卡能退吗',
];

describe('NLU API', () => {
  it('understands a shopper with the built-in model: intent, entities with offsets, emotion', async () => {
    const text = '你们再不退款我就投诉12315！！订单2611180932457781';
    const r = await predict(text);
    expect(r.text).toBe(text);
    expect(r.ranking.length).toBeGreaterThan(1);
    expect(r.ranking[0].confidence).toBeGreaterThanOrEqual(r.ranking[1].confidence);
    expect(r.emotion).toBe('angry');
    expect(r.polarity).toBe('negative');
    expect(r.negativity).toBeGreaterThanOrEqual(0.8);
    const order = r.entities.find((e: { type: string }) => e.type === 'order_id');
    expect(order.value).toBe('2611180932457781');
    expect(text.slice(order.start, order.end)).toBe('2611180932457781');

    const track = await predict('SF1402837465821 到哪了');
    expect(track.intent).toMatch(/^logistics\./);
    expect(track.entities[0]).toMatchObject({ type: 'tracking_number', carrier: 'SF', start: 0, end: 15 });
  });

  it('answers out_of_scope when there is nothing to understand, and a well-formed result for emoji', async () => {
    for (const text of ['', '   ', '。。。', '?!']) {
      const r = await predict(text);
      expect(r.intent, JSON.stringify(text)).toBe('out_of_scope');
      expect(r.entities).toEqual([]);
      expect(r.emotion).toBe('neutral');
    }
    const emoji = await predict('🙂🙂🙂');
    expect(emoji.ranking.length).toBeGreaterThan(0);
    expect(emoji.polarity).not.toBe('negative');
  });

  it('learns a new intent: examples, train, served at once; the old model until then; roll back', async () => {
    const before = await predict('黑卡会员有哪些特权呀');
    expect(before.intent).not.toBe('shop.black_card');

    const created = await h.request('POST', '/api/v1/nlu/intents', {
      token,
      json: { intent: 'shop.black_card', name: '黑卡会员', description: '店铺黑卡会员的开通与权益' },
    });
    expect(created.status, created.text).toBe(201);
    const added = await h.request('POST', '/api/v1/nlu/intents/shop.black_card/examples', {
      token,
      json: { texts: MEMBER_CARD },
    });
    expect(added.status, added.text).toBe(201);
    expect(added.body.items).toHaveLength(MEMBER_CARD.length);
    // Not trained yet: still the built-in model.
    expect((await predict('黑卡会员有哪些特权呀')).intent).toBe(before.intent);

    const trained = await h.request('POST', '/api/v1/nlu/models', { token });
    expect(trained.status, trained.text).toBe(201);
    expect(trained.body).toMatchObject({ version: 1, active: true });
    expect((await predict('黑卡会员有哪些特权呀')).intent).toBe('shop.black_card');

    const list = await h.request('GET', '/api/v1/nlu/intents', { token });
    expect(list.body.items.find((i: { intent: string }) => i.intent === 'shop.black_card')).toMatchObject({
      builtin: false,
      shopExamples: MEMBER_CARD.length,
    });

    const rollback = await h.request('POST', '/api/v1/nlu/models/builtin/activate', { token });
    expect(rollback.status).toBe(200);
    expect(rollback.body.activeModelId).toBeNull();
    expect((await predict('黑卡会员有哪些特权呀')).intent).not.toBe('shop.black_card');

    const forward = await h.request('POST', `/api/v1/nlu/models/${trained.body.id}/activate`, { token });
    expect(forward.body.activeModelId).toBe(trained.body.id);
    expect((await predict('黑卡会员有哪些特权呀')).intent).toBe('shop.black_card');

    // Tenant B never sees A's model.
    const b = await h.request('POST', '/api/v1/nlu/predict', {
      token: h.B.admin.token,
      json: { text: '黑卡会员有哪些特权呀' },
    });
    expect(b.body.intent).not.toBe('shop.black_card');
  });

  it('lets the shop tune the out-of-scope threshold', async () => {
    const strict = await h.request('PATCH', '/api/v1/nlu/settings', { token, json: { threshold: 0.999 } });
    expect(strict.status).toBe(200);
    const r = await predict('这件衣服M码还有货吗');
    expect(r.intent).toBe('out_of_scope');
    expect(r.ranking[0].intent).toBe('product.stock');
    await h.request('PATCH', '/api/v1/nlu/settings', { token, json: { threshold: 0.35 } });
    expect((await predict('这件衣服M码还有货吗')).intent).toBe('product.stock');
  });

  it('refuses bad training data with a reason, and changes nothing', async () => {
    const dup = await h.request('POST', '/api/v1/nlu/intents/shop.black_card/examples', {
      token,
      json: { texts: ['黑卡怎么续费', MEMBER_CARD[0]] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('nlu.example_exists');
    expect(dup.body.message).toContain(MEMBER_CARD[0]);
    const examples = await h.request('GET', '/api/v1/nlu/intents/shop.black_card/examples', { token });
    expect(examples.body.items).toHaveLength(MEMBER_CARD.length);

    const builtinLine = await h.request('POST', '/api/v1/nlu/intents/shop.black_card/examples', {
      token,
      json: { texts: ['在吗'] },
    });
    expect([409]).toContain(builtinLine.status);

    await h.request('POST', '/api/v1/nlu/intents', { token, json: { intent: 'shop.too_few', name: '太少' } });
    await h.request('POST', '/api/v1/nlu/intents/shop.too_few/examples', {
      token,
      json: { texts: ['只有一句'] },
    });
    const refused = await h.request('POST', '/api/v1/nlu/models', { token });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('nlu.training_refused');
    expect(refused.body.message).toContain('shop.too_few');
    const models = await h.request('GET', '/api/v1/nlu/models', { token });
    expect(models.body.items).toHaveLength(1);

    const unknown = await h.request('POST', '/api/v1/nlu/intents/shop.nope/examples', {
      token,
      json: { texts: ['x'] },
    });
    expect(unknown.status).toBe(404);
    const badId = await h.request('POST', '/api/v1/nlu/intents', {
      token,
      json: { intent: 'Bad Intent!', name: 'x' },
    });
    expect(badId.status).toBe(400);
    const builtinId = await h.request('POST', '/api/v1/nlu/intents', {
      token,
      json: { intent: 'order.cancel', name: 'x' },
    });
    expect(builtinId.status).toBe(409);
    const threshold = await h.request('PATCH', '/api/v1/nlu/settings', { token, json: { threshold: 2 } });
    expect(threshold.status).toBe(400);
  });
});

describe.skipIf(!scaledUp)('NLU across a two-node cluster (PostgreSQL + Redis)', () => {
  let c: Harness;
  beforeAll(async () => {
    c = await startHarness({ store: 'postgres', redis: true });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('a model trained through node A answers on node B at once, and a roll back reaches B too', async () => {
    const nodeB = await c.startNode();
    const admin = c.A.admin.token;
    const onB = async (text: string) =>
      (await nodeB.request('POST', '/api/v1/nlu/predict', { token: admin, json: { text } })).body.intent;
    // Node B has the built-in model loaded before anything changes.
    expect(await onB('黑卡会员有哪些特权呀')).not.toBe('shop.black_card');
    await c.request('POST', '/api/v1/nlu/intents', {
      token: admin,
      json: { intent: 'shop.black_card', name: '黑卡会员' },
    });
    await c.request('POST', '/api/v1/nlu/intents/shop.black_card/examples', {
      token: admin,
      json: { texts: MEMBER_CARD },
    });
    const trained = await c.request('POST', '/api/v1/nlu/models', { token: admin });
    expect(trained.status, trained.text).toBe(201);
    await expect.poll(() => onB('黑卡会员有哪些特权呀'), { timeout: 5000 }).toBe('shop.black_card');
    await c.request('POST', '/api/v1/nlu/models/builtin/activate', { token: admin });
    await expect.poll(() => onB('黑卡会员有哪些特权呀'), { timeout: 5000 }).not.toBe('shop.black_card');
  });
});
