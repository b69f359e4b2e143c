import { ConversationService, WelcomeResponder } from '@kefu/conversation';
import { MemoryBus, TenantScope } from '@kefu/platform';
import { TenantsService } from '@kefu/tenancy';
import { describeEachStore } from '@kefu/testing';
import { expect, it } from 'vitest';

const text = (t: string) => ({ type: 'text' as const, text: t });

describeEachStore('shopper message group commit', (store) => {
  async function setup() {
    const tenant = await new TenantsService(store.database).create({ name: 'Batch shop' });
    const bus = new MemoryBus();
    const service = new ConversationService({
      database: store.database,
      bus,
      responder: new WelcomeResponder(),
      tenantProfile: async () => ({ id: tenant.id, name: tenant.name, welcomeMessage: 'hi' }),
    });
    const customers = await Promise.all(
      ['a', 'b', 'c'].map((v) => service.resolveCustomer(tenant.id, 'web', v)),
    );
    return { tenant, service, customers, bus };
  }

  it('a message that cannot be stored fails alone; the rest of its batch is committed', async () => {
    const { tenant, service, customers } = await setup();
    // Sent in the same tick, so they share a batch; the unknown customer breaks a foreign key.
    const results = await Promise.allSettled([
      service.receiveFromCustomer(tenant.id, {
        customerId: customers[0]!,
        channel: 'web',
        idempotencyKey: 'k1',
        content: text('一'),
      }),
      service.receiveFromCustomer(tenant.id, {
        customerId: 'no-such-customer',
        channel: 'web',
        idempotencyKey: 'k2',
        content: text('二'),
      }),
      service.receiveFromCustomer(tenant.id, {
        customerId: customers[1]!,
        channel: 'web',
        idempotencyKey: 'k3',
        content: text('三'),
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await new TenantScope(store.database.db, tenant.id)
      .selectFrom('messages')
      .select('text')
      .where('sender_type', '=', 'customer')
      .orderBy('id')
      .execute();
    expect(stored.map((m) => m.text)).toEqual(['一', '三']);
  });

  it("one shopper's burst is stored in the order it was sent", async () => {
    const { tenant, service, customers } = await setup();
    const sends = Array.from({ length: 50 }, (_, i) =>
      service.receiveFromCustomer(tenant.id, {
        customerId: customers[2]!,
        channel: 'web',
        idempotencyKey: `burst-${i}`,
        content: text(`第${i}条`),
      }),
    );
    const results = await Promise.all(sends);
    const conversationId = results[0]!.conversation.id;
    expect(new Set(results.map((r) => r.conversation.id))).toEqual(new Set([conversationId]));
    const page = await service.messages(tenant.id, conversationId, 100);
    const customerTexts = page
      .filter((m) => m.sender === 'customer')
      .reverse()
      .map((m) => m.text);
    expect(customerTexts).toEqual(Array.from({ length: 50 }, (_, i) => `第${i}条`));
    // Only the message that opened the conversation was greeted.
    expect(results.filter((r) => r.replies.length > 0)).toHaveLength(1);
  });

  it('drain waits until every accepted message is committed', async () => {
    const { tenant, service, customers } = await setup();
    const pending = Array.from({ length: 20 }, (_, i) =>
      service.receiveFromCustomer(tenant.id, {
        customerId: customers[0]!,
        channel: 'web',
        idempotencyKey: `d-${i}`,
        content: text('x'),
      }),
    );
    await service.drain();
    const { n } = await new TenantScope(store.database.db, tenant.id)
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender_type', '=', 'customer')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(20);
    await Promise.all(pending);
  });
});
