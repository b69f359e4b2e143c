import { type Database, migrateToLatest, migrationNames, newId, TenantScope } from '@kefu/platform';
import { describeEachStore } from '@kefu/testing';
import { sql } from 'kysely';
import { expect, it } from 'vitest';

async function addTenant(database: Database, name: string, createdAt = Date.now()): Promise<string> {
  const id = newId();
  await database.db
    .insertInto('tenants')
    .values({ id, name, parent_id: null, welcome_message: 'hi', created_at: createdAt })
    .execute();
  return id;
}

async function addCustomer(scope: TenantScope, displayName: string): Promise<string> {
  const id = newId();
  await scope
    .insertInto('customers', { id, display_name: displayName, created_at: 1, updated_at: 1 })
    .execute();
  return id;
}

async function addConversation(scope: TenantScope, customerId: string, state = 'bot'): Promise<string> {
  const id = newId();
  await scope
    .insertInto('conversations', {
      id,
      customer_id: customerId,
      channel: 'web',
      state,
      assignee_id: null,
      created_at: 1,
      updated_at: 1,
      last_message_at: null,
      closed_at: state === 'closed' ? 1 : null,
    })
    .execute();
  return id;
}

function message(conversationId: string, senderId: string | null, key: string | null) {
  return {
    id: newId(),
    conversation_id: conversationId,
    sender_type: senderId === null ? 'bot' : 'customer',
    sender_id: senderId,
    type: 'text',
    text: 'hello',
    payload: null,
    intent: null,
    reply_to: null,
    idempotency_key: key,
    created_at: Date.now(),
  };
}

/** Tables of this store only (a PostgreSQL database may hold other schemas). */
async function tableNames(database: Database): Promise<string[]> {
  const query =
    database.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema()`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  return (await query.execute(database.db)).rows.map((r) => r.name).sort();
}

describeEachStore('store contract', (store) => {
  it('migrating a store that is already at the latest version changes nothing', async () => {
    const database = store.database;
    const tenantId = await addTenant(database, 'kept across migrations');
    const before = await tableNames(database);

    expect(await migrateToLatest(database)).toEqual([]);
    expect(await migrateToLatest(database)).toEqual([]);

    expect(await tableNames(database)).toEqual(before);
    const kept = await database.db.selectFrom('tenants').select('id').execute();
    expect(kept).toEqual([{ id: tenantId }]);
  });

  it('an empty store migrates once: the second run applies nothing', async () => {
    const database = store.connect(await store.emptyStore({ alone: true }));
    expect(await tableNames(database)).toEqual([]);

    const first = await migrateToLatest(database);
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((r) => r.status === 'Success')).toBe(true);
    expect(await tableNames(database)).toEqual(
      expect.arrayContaining(['tenants', 'users', 'sessions', 'api_keys', 'conversations', 'messages']),
    );

    expect(await migrateToLatest(database)).toEqual([]);
  });

  if (store.kind === 'postgres') {
    it('a schema migrates while another schema of the same database already holds Kefu', async () => {
      // store.database is migrated in a sibling schema: a second install (or a staging
      // copy) in one PostgreSQL database must not be mistaken for this one.
      const other = store.connect(await store.emptyStore());
      const results = await migrateToLatest(other);
      expect(results.map((r) => r.status)).toEqual(migrationNames.map(() => 'Success'));
      expect(await tableNames(other)).toEqual(await tableNames(store.database));
    });

    it('nodes starting together on an empty database apply each migration exactly once', async () => {
      const url = await store.emptyStore({ alone: true });
      const nodes = [store.connect(url), store.connect(url), store.connect(url)];
      const results = await Promise.all(nodes.map((node) => migrateToLatest(node)));
      const applied = results.flat().filter((r) => r.status === 'Success');
      const names = applied.map((r) => r.migrationName);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      expect(await migrateToLatest(nodes[0]!)).toEqual([]);
    });
  }

  it('millisecond times come back as the same numbers, not strings', async () => {
    const database = store.database;
    const times = [Date.now(), 2 ** 31 + 7, 2 ** 32 + 1, 253_402_300_799_999, 0];
    const ids: string[] = [];
    for (const [i, t] of times.entries()) ids.push(await addTenant(database, `time ${i}`, t));

    for (const [i, id] of ids.entries()) {
      const row = await database.db
        .selectFrom('tenants')
        .select('created_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(typeof row.created_at).toBe('number');
      expect(row.created_at).toBe(times[i]);
    }
    // Compared and aggregated in SQL, they still are numbers.
    const { latest } = await database.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.max('created_at').as('latest'))
      .executeTakeFirstOrThrow();
    expect(latest).toBe(253_402_300_799_999);
    const later = await database.db
      .selectFrom('tenants')
      .select('id')
      .where('created_at', '>', 2 ** 32)
      .execute();
    expect(later).toHaveLength(3);
  });

  it('nullable times stay null and set ones stay numbers', async () => {
    const tenant = new TenantScope(store.database.db, await addTenant(store.database, 'nullable'));
    const conversationId = await addConversation(tenant, await addCustomer(tenant, 'x'));
    const read = () =>
      tenant
        .selectFrom('conversations')
        .select(['last_message_at', 'closed_at'])
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
    expect(await read()).toEqual({ last_message_at: null, closed_at: null });
    const at = 1_767_225_600_123;
    await tenant.updateTable('conversations').set({ last_message_at: at }).execute();
    expect(await read()).toEqual({ last_message_at: at, closed_at: null });
  });

  it("a tenant's scope never reads another tenant's rows", async () => {
    const a = new TenantScope(store.database.db, await addTenant(store.database, 'A'));
    const b = new TenantScope(store.database.db, await addTenant(store.database, 'B'));
    const a1 = await addCustomer(a, 'a1');
    const a2 = await addCustomer(a, 'a2');
    const b1 = await addCustomer(b, 'b1');

    const all = await a.selectFrom('customers').select('id').orderBy('id').execute();
    expect(all.map((r) => r.id)).toEqual([a1, a2]);
    expect(
      await a.selectFrom('customers').selectAll().where('id', '=', b1).executeTakeFirst(),
    ).toBeUndefined();
    // An OR in the caller's condition must not widen the tenant filter.
    const either = await a
      .selectFrom('customers')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', a1), eb('id', '=', b1)]))
      .execute();
    expect(either.map((r) => r.id)).toEqual([a1]);
    const { n } = await b
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
  });

  it("a tenant's scope never updates or deletes another tenant's rows", async () => {
    const a = new TenantScope(store.database.db, await addTenant(store.database, 'A'));
    const b = new TenantScope(store.database.db, await addTenant(store.database, 'B'));
    const a1 = await addCustomer(a, 'a1');
    const b1 = await addCustomer(b, 'b1');
    const b2 = await addCustomer(b, 'b2');

    const targeted = await a
      .updateTable('customers')
      .set({ display_name: 'hacked' })
      .where('id', '=', b1)
      .executeTakeFirst();
    expect(Number(targeted.numUpdatedRows)).toBe(0);
    const everything = await a.updateTable('customers').set({ display_name: 'renamed' }).executeTakeFirst();
    expect(Number(everything.numUpdatedRows)).toBe(1);

    const gone = await a.deleteFrom('customers').where('id', 'in', [b1, b2]).executeTakeFirst();
    expect(Number(gone.numDeletedRows)).toBe(0);

    const rowsOfB = await b.selectFrom('customers').select(['id', 'display_name']).orderBy('id').execute();
    expect(rowsOfB).toEqual([
      { id: b1, display_name: 'b1' },
      { id: b2, display_name: 'b2' },
    ]);
    expect(await a.selectFrom('customers').select(['id', 'display_name']).execute()).toEqual([
      { id: a1, display_name: 'renamed' },
    ]);

    const wiped = await a.deleteFrom('customers').executeTakeFirst();
    expect(Number(wiped.numDeletedRows)).toBe(1);
    expect(await b.selectFrom('customers').select('id').execute()).toHaveLength(2);
  });

  it("inserts through a scope belong to the scope's tenant, whatever the row says", async () => {
    const tenantA = await addTenant(store.database, 'A');
    const tenantB = await addTenant(store.database, 'B');
    const a = new TenantScope(store.database.db, tenantA);
    const forged = newId();
    await a
      .insertInto('customers', [
        { id: newId(), display_name: 'plain', created_at: 1, updated_at: 1 },
        // A caller smuggling another tenant's id past the types is overruled.
        { id: forged, tenant_id: tenantB, display_name: 'forged', created_at: 1, updated_at: 1 } as never,
      ])
      .execute();
    const owners = await store.database.db.selectFrom('customers').select(['tenant_id']).execute();
    expect(owners).toEqual([{ tenant_id: tenantA }, { tenant_id: tenantA }]);
  });

  it("a scope's transaction stays scoped and rolls back as a whole", async () => {
    const a = new TenantScope(store.database.db, await addTenant(store.database, 'A'));
    const b = new TenantScope(store.database.db, await addTenant(store.database, 'B'));
    const b1 = await addCustomer(b, 'b1');
    await expect(
      a.transaction(async (tx) => {
        expect(tx.tenantId).toBe(a.tenantId);
        expect(await tx.selectFrom('customers').select('id').where('id', '=', b1).execute()).toEqual([]);
        await addCustomer(tx, 'inside');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await a.selectFrom('customers').select('id').execute()).toEqual([]);
  });

  it('a customer has at most one conversation that is not closed', async () => {
    const scope = new TenantScope(store.database.db, await addTenant(store.database, 'A'));
    const customer = await addCustomer(scope, 'c');
    const first = await addConversation(scope, customer, 'bot');
    for (const state of ['bot', 'queued', 'with_agent']) {
      await expect(addConversation(scope, customer, state)).rejects.toThrow();
    }
    // Closed ones do not count: any number of them, plus one open.
    await scope
      .updateTable('conversations')
      .set({ state: 'closed', closed_at: 2 })
      .where('id', '=', first)
      .execute();
    await addConversation(scope, customer, 'closed');
    await addConversation(scope, customer, 'queued');
    await expect(addConversation(scope, customer, 'with_agent')).rejects.toThrow();
    // Other customers are not affected.
    await addConversation(scope, await addCustomer(scope, 'd'), 'bot');

    const open = await scope
      .selectFrom('conversations')
      .select('id')
      .where('customer_id', '=', customer)
      .where('state', '!=', 'closed')
      .execute();
    expect(open).toHaveLength(1);
  });

  it('a sender cannot store two messages with one idempotency key', async () => {
    const a = new TenantScope(store.database.db, await addTenant(store.database, 'A'));
    const b = new TenantScope(store.database.db, await addTenant(store.database, 'B'));
    const alice = await addCustomer(a, 'alice');
    const bob = await addCustomer(a, 'bob');
    const aliceChat = await addConversation(a, alice);
    const bobChat = await addConversation(a, bob);

    await a.insertInto('messages', message(aliceChat, alice, 'k-1')).execute();
    await expect(a.insertInto('messages', message(aliceChat, alice, 'k-1')).execute()).rejects.toThrow();

    // The same key from another sender, or in another tenant, is a different message.
    await a.insertInto('messages', message(bobChat, bob, 'k-1')).execute();
    const carol = await addCustomer(b, 'carol');
    await b.insertInto('messages', message(await addConversation(b, carol), alice, 'k-1')).execute();
    // Messages without a key (bot replies) never collide.
    await a
      .insertInto('messages', [message(aliceChat, null, null), message(aliceChat, null, null)])
      .execute();

    const stored = await store.database.db.selectFrom('messages').select('id').execute();
    expect(stored).toHaveLength(5);
  });

  it('answers a ping', async () => {
    await expect(store.database.ping()).resolves.toBeUndefined();
  });
});
