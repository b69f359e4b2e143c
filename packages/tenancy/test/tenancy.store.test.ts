import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type Role } from '@kefu/contracts';
import { type Database, MemoryCache } from '@kefu/platform';
import {
  ApiKeysService,
  AuditService,
  AuthService,
  type Principal,
  TenantsService,
  UsersService,
} from '@kefu/tenancy';
import { describeEachStore } from '@kefu/testing';
import { afterEach, expect, it } from 'vitest';

const PASSWORD = 'correct horse 9';

/** Expects `promise` to reject with an AppError of this kind and code. */
async function rejectsWith(promise: Promise<unknown>, kind: AppError['kind'], code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected an AppError ${code}`).toBeInstanceOf(AppError);
  expect({ kind: (err as AppError).kind, code: (err as AppError).code }).toEqual({ kind, code });
}

describeEachStore('tenancy and auth', (store) => {
  const caches: MemoryCache[] = [];
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.close()));
  });

  function services(database: Database = store.database, sessionTtlMs = 60 * 60_000) {
    const cache = new MemoryCache();
    caches.push(cache);
    const auth = new AuthService(database, cache, { sessionTtlMs, maxLoginFailures: 100 });
    return {
      auth,
      tenants: new TenantsService(database),
      users: new UsersService(database, auth),
      keys: new ApiKeysService(database, auth),
    };
  }

  /** A tenant with an owner (logged in) and, on request, a user of another role. */
  async function shop(s: ReturnType<typeof services>, name: string, parent?: string) {
    const tenant = await s.tenants.create({ name, ...(parent ? { parent } : {}) });
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const owner = await s.users.create(tenant.id, null, {
      email: `owner@${slug}.test`,
      name: 'Owner',
      password: PASSWORD,
      role: 'owner',
    });
    const { token } = await s.auth.login(owner.email, PASSWORD, '127.0.0.1');
    const ownerPrincipal = await s.auth.authenticate(token);
    const addUser = (role: Role, local = role) =>
      s.users.create(tenant.id, ownerPrincipal, {
        email: `${local}@${slug}.test`,
        name: local,
        password: PASSWORD,
        role,
      });
    return { tenant, owner, ownerPrincipal, addUser };
  }

  const auditActions = async (tenantId: string) =>
    (await new AuditService(store.database).list(tenantId, 100)).reverse();

  it('creates tenants, and brands under a group by name or id', async () => {
    const { tenants } = services();
    const group = await tenants.create({ name: '  美妆集团 ', welcomeMessage: '欢迎' });
    expect(group).toMatchObject({ name: '美妆集团', parentId: null, welcomeMessage: '欢迎' });
    expect(typeof group.createdAt).toBe('number');

    const byName = await tenants.create({ name: '品牌A', parent: '美妆集团' });
    const byId = await tenants.create({ name: '品牌B', parent: group.id });
    expect(byName.parentId).toBe(group.id);
    expect(byId.parentId).toBe(group.id);
    expect(byName.welcomeMessage).toContain('品牌A');
    expect((await tenants.brandsOf(group.id)).map((t) => t.name)).toEqual(['品牌A', '品牌B']);
    expect(await tenants.get(byName.id)).toEqual(byName);
  });

  it('refuses a duplicate tenant name, a brand inside a brand and an unknown parent', async () => {
    const { tenants } = services();
    const group = await tenants.create({ name: 'Group' });
    const brand = await tenants.create({ name: 'Brand', parent: group.id });
    await rejectsWith(tenants.create({ name: 'Group' }), 'conflict', 'tenant.name_taken');
    await rejectsWith(tenants.create({ name: ' Brand ' }), 'conflict', 'tenant.name_taken');
    await rejectsWith(tenants.create({ name: 'Sub', parent: brand.id }), 'invalid', 'tenant.nested_group');
    await rejectsWith(tenants.create({ name: 'Orphan', parent: 'nope' }), 'not_found', 'tenant.not_found');
    expect((await tenants.brandsOf(group.id)).map((t) => t.name)).toEqual(['Brand']);
  });

  it('two simultaneous creations of one tenant name: one wins, the other gets a conflict', async () => {
    const { tenants } = services();
    const outcomes = await Promise.allSettled([
      tenants.create({ name: 'Twice' }),
      tenants.create({ name: 'Twice' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(AppError);
    expect((failure.reason as AppError).code).toBe('tenant.name_taken');
  });

  it('refuses a second user with the same e-mail, whatever its case or tenant', async () => {
    const s = services();
    const a = await s.tenants.create({ name: 'A' });
    const b = await s.tenants.create({ name: 'B' });
    const user = await s.users.create(a.id, null, {
      email: 'Li.Lei@Shop.test',
      name: '李雷',
      password: PASSWORD,
      role: 'agent',
    });
    expect(user).toMatchObject({ tenantId: a.id, email: 'li.lei@shop.test', role: 'agent' });
    const again = { email: 'li.lei@shop.TEST', name: 'x', password: PASSWORD, role: 'agent' as const };
    await rejectsWith(s.users.create(a.id, null, again), 'conflict', 'user.email_taken');
    await rejectsWith(s.users.create(b.id, null, again), 'conflict', 'user.email_taken');
    expect(await s.users.list(b.id)).toEqual([]);
  });

  it('two simultaneous creations of one e-mail: one wins, the other gets a conflict', async () => {
    const s = services();
    const a = await s.tenants.create({ name: 'A' });
    const input = { email: 'same@shop.test', name: 'x', password: PASSWORD, role: 'agent' as const };
    const outcomes = await Promise.allSettled([
      s.users.create(a.id, null, input),
      s.users.create(a.id, null, input),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(AppError);
    expect((failure.reason as AppError).code).toBe('user.email_taken');
  });

  it('a login returns a session token that authenticates as that user', async () => {
    const s = services();
    const { tenant, addUser } = await shop(s, 'Shop');
    const agent = await addUser('agent');
    const before = Date.now();
    const login = await s.auth.login('  AGENT@shop.test ', PASSWORD, '10.0.0.1');
    expect(login.user).toEqual(agent);
    expect(login.token).toMatch(/^kfs_/);
    expect(login.expiresAt).toBeGreaterThanOrEqual(before + 60 * 60_000);

    const expected: Principal = { kind: 'user', tenantId: tenant.id, userId: agent.id, role: 'agent' };
    expect(await s.auth.authenticate(login.token)).toEqual(expected);
    // Again from the principal cache, and from a node whose cache is cold.
    expect(await s.auth.authenticate(login.token)).toEqual(expected);
    expect(await services().auth.authenticate(login.token)).toEqual(expected);

    // Only a hash of the token is stored.
    const stored = await store.database.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(login.token);
  });

  it('a wrong password or unknown e-mail is refused alike, and audited', async () => {
    const s = services();
    const { tenant, owner } = await shop(s, 'Shop');
    await rejectsWith(
      s.auth.login(owner.email, 'wrong password', '10.0.0.9'),
      'unauthenticated',
      'auth.invalid_credentials',
    );
    await rejectsWith(
      s.auth.login('nobody@shop.test', PASSWORD, null),
      'unauthenticated',
      'auth.invalid_credentials',
    );
    await rejectsWith(s.auth.authenticate('kfs_forged'), 'unauthenticated', 'auth.invalid_token');
    await rejectsWith(s.auth.authenticate('not-a-token'), 'unauthenticated', 'auth.invalid_token');
    const failed = (await auditActions(tenant.id)).filter((e) => e.action === 'auth.login_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorId: owner.id, targetId: owner.id, details: { ip: '10.0.0.9' } });
  });

  it('a session stops working when it expires, even if its principal was cached', async () => {
    const s = services(store.database, 400);
    const tenant = await s.tenants.create({ name: 'Shop' });
    await s.users.create(tenant.id, null, {
      email: 'a@shop.test',
      name: 'a',
      password: PASSWORD,
      role: 'agent',
    });
    const { token } = await s.auth.login('a@shop.test', PASSWORD, null);
    await expect(s.auth.authenticate(token)).resolves.toMatchObject({ tenantId: tenant.id });
    await sleep(600);
    await rejectsWith(s.auth.authenticate(token), 'unauthenticated', 'auth.token_expired');
  });

  it('logout ends the session at once', async () => {
    const s = services();
    const { owner } = await shop(s, 'Shop');
    const { token } = await s.auth.login(owner.email, PASSWORD, null);
    const other = await s.auth.login(owner.email, PASSWORD, null);
    await s.auth.authenticate(token);
    await s.auth.logout(token);
    await rejectsWith(s.auth.authenticate(token), 'unauthenticated', 'auth.invalid_token');
    // Other sessions of the same user go on.
    await expect(s.auth.authenticate(other.token)).resolves.toMatchObject({ userId: owner.id });
  });

  it('an API key authenticates for its tenant until it is revoked, then fails at once', async () => {
    const s = services();
    const { tenant, ownerPrincipal } = await shop(s, 'Shop');
    const { key, info } = await s.keys.create(tenant.id, ownerPrincipal, '  ERP sync ');
    expect(key).toMatch(/^kfk_/);
    expect(info).toMatchObject({ name: 'ERP sync', lastUsedAt: null, revokedAt: null });
    expect(key.startsWith(info.prefix)).toBe(true);

    const principal = await s.auth.authenticate(key);
    expect(principal).toEqual({ kind: 'api_key', tenantId: tenant.id, keyId: info.id });
    const row = await store.database.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).not.toContain(key);

    const revoked = await s.keys.revoke(tenant.id, ownerPrincipal, info.id);
    expect(revoked.revokedAt).toEqual(expect.any(Number));
    await rejectsWith(s.auth.authenticate(key), 'unauthenticated', 'auth.invalid_token');
    expect((await s.keys.list(tenant.id))[0]!.revokedAt).toBe(revoked.revokedAt);
  });

  it("another tenant cannot see or revoke a tenant's API key", async () => {
    const s = services();
    const a = await shop(s, 'A');
    const b = await shop(s, 'B');
    const { key, info } = await s.keys.create(a.tenant.id, a.ownerPrincipal, 'a key');
    expect(await s.keys.list(b.tenant.id)).toEqual([]);
    await rejectsWith(
      s.keys.revoke(b.tenant.id, b.ownerPrincipal, info.id),
      'not_found',
      'api_key.not_found',
    );
    await expect(s.auth.authenticate(key)).resolves.toMatchObject({ tenantId: a.tenant.id });
  });

  it('touching an API key records when it was last used', async () => {
    const s = services();
    const { tenant, ownerPrincipal } = await shop(s, 'Shop');
    const { key, info } = await s.keys.create(tenant.id, ownerPrincipal, 'widget');
    const before = Date.now();
    await s.auth.touchApiKey(await s.auth.authenticate(key));
    const [listed] = await s.keys.list(tenant.id);
    expect(listed!.id).toBe(info.id);
    expect(listed!.lastUsedAt).toBeGreaterThanOrEqual(before);
    expect(listed!.lastUsedAt).toBeLessThanOrEqual(Date.now());
  });

  it("a role change applies to the user's open session at once", async () => {
    const s = services();
    const { tenant, ownerPrincipal, addUser } = await shop(s, 'Shop');
    const agent = await addUser('agent');
    const { token } = await s.auth.login(agent.email, PASSWORD, null);
    expect(await s.auth.authenticate(token)).toMatchObject({ role: 'agent' });

    const changed = await s.users.changeRole(tenant.id, ownerPrincipal, agent.id, 'supervisor');
    expect(changed.role).toBe('supervisor');
    expect(await s.auth.authenticate(token)).toMatchObject({ userId: agent.id, role: 'supervisor' });
    expect((await s.users.get(tenant.id, agent.id)).role).toBe('supervisor');
  });

  it('records logins, key creation and revocation, and role changes in the audit log', async () => {
    const s = services();
    const { tenant, owner, ownerPrincipal, addUser } = await shop(s, 'Shop');
    const agent = await addUser('agent');
    const { info } = await s.keys.create(tenant.id, ownerPrincipal, 'k');
    await s.keys.revoke(tenant.id, ownerPrincipal, info.id);
    await s.users.changeRole(tenant.id, ownerPrincipal, agent.id, 'admin');

    const entries = await auditActions(tenant.id);
    const find = (action: string) => entries.find((e) => e.action === action);
    expect(find('auth.login')).toMatchObject({
      actorType: 'user',
      actorId: owner.id,
      details: { ip: '127.0.0.1' },
    });
    expect(find('api_key.created')).toMatchObject({
      actorId: owner.id,
      targetType: 'api_key',
      targetId: info.id,
    });
    expect(find('api_key.revoked')).toMatchObject({ actorId: owner.id, targetId: info.id });
    expect(find('user.role_changed')).toMatchObject({
      actorId: owner.id,
      targetId: agent.id,
      details: { from: 'agent', to: 'admin' },
    });
    const order = entries.map((e) => e.action).filter((a) => a !== 'user.created');
    expect(order).toEqual(['auth.login', 'api_key.created', 'api_key.revoked', 'user.role_changed']);
    // Each tenant reads only its own log.
    const other = await shop(s, 'Other');
    expect((await auditActions(other.tenant.id)).map((e) => e.actorId)).not.toContain(owner.id);
  });

  it("a group's owner may act in its brands, but not in a tenant outside the group", async () => {
    const s = services();
    const group = await shop(s, 'Group');
    const brand = await s.tenants.create({ name: 'Brand', parent: group.tenant.id });
    const stranger = await s.tenants.create({ name: 'Stranger' });
    const { auth } = s;

    expect(await auth.actingTenant(group.ownerPrincipal, undefined)).toBe(group.tenant.id);
    expect(await auth.actingTenant(group.ownerPrincipal, brand.id)).toBe(brand.id);
    await rejectsWith(
      auth.actingTenant(group.ownerPrincipal, stranger.id),
      'forbidden',
      'auth.tenant_forbidden',
    );
    await rejectsWith(
      auth.actingTenant(group.ownerPrincipal, 'no-such-tenant'),
      'forbidden',
      'auth.tenant_forbidden',
    );

    // An agent of the group stays in the group; a brand's owner cannot climb to the group.
    const agent = await group.addUser('agent');
    const agentPrincipal: Principal = {
      kind: 'user',
      tenantId: group.tenant.id,
      userId: agent.id,
      role: 'agent',
    };
    await rejectsWith(auth.actingTenant(agentPrincipal, brand.id), 'forbidden', 'auth.tenant_forbidden');
    const brandOwner = await s.users.create(brand.id, null, {
      email: 'owner@brand.test',
      name: 'b',
      password: PASSWORD,
      role: 'owner',
    });
    const brandPrincipal: Principal = {
      kind: 'user',
      tenantId: brand.id,
      userId: brandOwner.id,
      role: 'owner',
    };
    await rejectsWith(
      auth.actingTenant(brandPrincipal, group.tenant.id),
      'forbidden',
      'auth.tenant_forbidden',
    );
  });
});
