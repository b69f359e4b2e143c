import { AppError, type Role, type User } from '@kefu/contracts';
import { type Cache, type Database, TenantScope } from '@kefu/platform';
import { AuditRepository } from './audit.repository.ts';
import { verifyPassword } from './password.ts';
import type { Principal } from './permissions.ts';
import { TenantRepository } from './tenant.repository.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { findUserForLogin, toUser } from './user.repository.ts';

export interface AuthOptions {
  sessionTtlMs: number;
  /** Failed logins allowed per e-mail within `loginWindowMs` before further tries are refused. */
  maxLoginFailures?: number;
  loginWindowMs?: number;
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  user: User;
}

const PRINCIPAL_CACHE_MS = 30_000;
const KEY_TOUCH_EVERY_MS = 60_000;

/** Logins, sessions and API-key authentication. Secrets are only ever stored as hashes. */
export class AuthService {
  constructor(
    private readonly database: Database,
    private readonly cache: Cache,
    private readonly options: AuthOptions,
  ) {}

  async login(email: string, password: string, ip: string | null): Promise<LoginResult> {
    const normalized = email.trim().toLowerCase();
    const failuresKey = `login-fail:${normalized}`;
    const maxFailures = this.options.maxLoginFailures ?? 10;
    if (Number((await this.cache.get(failuresKey)) ?? 0) >= maxFailures) {
      throw new AppError(
        'rate_limited',
        'auth.too_many_attempts',
        'Too many failed logins; wait 15 minutes and try again',
      );
    }
    const row = await findUserForLogin(this.database.db, normalized);
    if (!row || !(await verifyPassword(password, row.password_hash))) {
      await this.cache.increment(failuresKey, this.options.loginWindowMs ?? 15 * 60_000);
      if (row) {
        await new AuditRepository(new TenantScope(this.database.db, row.tenant_id)).record(
          { actorType: 'user', actorId: row.id },
          { action: 'auth.login_failed', targetType: 'user', targetId: row.id, details: { ip } },
        );
      }
      throw new AppError('unauthenticated', 'auth.invalid_credentials', 'E-mail or password is wrong');
    }
    const token = newSecret('kfs_');
    const now = Date.now();
    const expiresAt = now + this.options.sessionTtlMs;
    const scope = new TenantScope(this.database.db, row.tenant_id);
    await scope.transaction(async (tx) => {
      await tx
        .insertInto('sessions', {
          token_hash: hashSecret(token),
          user_id: row.id,
          expires_at: expiresAt,
          created_at: now,
        })
        .execute();
      await new AuditRepository(tx).record(
        { actorType: 'user', actorId: row.id },
        { action: 'auth.login', targetType: 'user', targetId: row.id, details: { ip } },
      );
    });
    await this.cache.delete(failuresKey);
    return { token, expiresAt, user: toUser(row) };
  }

  async logout(token: string): Promise<void> {
    const hash = hashSecret(token);
    await this.database.db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
    await this.cache.delete(`principal:${hash}`);
  }

  /** Resolves a bearer secret (session token or API key) to who is calling, or throws 401. */
  async authenticate(secret: string): Promise<Principal> {
    const hash = hashSecret(secret);
    const cached = await this.cache.get(`principal:${hash}`);
    if (cached) {
      const { principal, expiresAt } = JSON.parse(cached) as {
        principal: Principal;
        expiresAt: number | null;
      };
      if (expiresAt === null || expiresAt > Date.now()) return principal;
    }
    if (secret.startsWith('kfs_')) return this.fromSession(hash);
    if (secret.startsWith('kfk_')) return this.fromApiKey(hash);
    throw invalidToken();
  }

  private async fromSession(hash: string): Promise<Principal> {
    const row = await this.database.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.tenant_id', 'sessions.user_id', 'sessions.expires_at', 'users.role'])
      .where('sessions.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) throw invalidToken();
    if (row.expires_at <= Date.now()) {
      await this.database.db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
      throw new AppError('unauthenticated', 'auth.token_expired', 'The session has expired; log in again');
    }
    const principal: Principal = {
      kind: 'user',
      tenantId: row.tenant_id,
      userId: row.user_id,
      role: row.role as Role,
    };
    await this.remember(hash, principal, row.expires_at);
    return principal;
  }

  private async fromApiKey(hash: string): Promise<Principal> {
    const row = await this.database.db
      .selectFrom('api_keys')
      .select(['id', 'tenant_id', 'revoked_at'])
      .where('key_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) throw invalidToken();
    const principal: Principal = { kind: 'api_key', tenantId: row.tenant_id, keyId: row.id };
    await this.remember(hash, principal, null);
    return principal;
  }

  /** Record an API key's use at most once a minute, so busy integrations do not write per request. */
  async touchApiKey(principal: Principal): Promise<void> {
    if (principal.kind !== 'api_key') return;
    if ((await this.cache.increment(`key-touch:${principal.keyId}`, KEY_TOUCH_EVERY_MS)) > 1) return;
    await new TenantScope(this.database.db, principal.tenantId)
      .updateTable('api_keys')
      .set({ last_used_at: Date.now() })
      .where('id', '=', principal.keyId)
      .execute();
  }

  /** Forget cached principals of a user (role change) or of a key (revocation) everywhere. */
  async forget(secretHashes: string[]): Promise<void> {
    await Promise.all(secretHashes.map((h) => this.cache.delete(`principal:${h}`)));
  }

  /** Users of a group tenant (owner/admin) may act in its brands; everyone else only in their own. */
  async actingTenant(principal: Principal, requested: string | undefined): Promise<string> {
    if (!requested || requested === principal.tenantId) return principal.tenantId;
    if (principal.kind === 'user' && (principal.role === 'owner' || principal.role === 'admin')) {
      const brand = await new TenantRepository(this.database.db).byId(requested);
      if (brand?.parentId === principal.tenantId) return brand.id;
    }
    throw new AppError('forbidden', 'auth.tenant_forbidden', 'You have no access to that tenant');
  }

  private async remember(hash: string, principal: Principal, expiresAt: number | null): Promise<void> {
    const ttl = Math.min(
      PRINCIPAL_CACHE_MS,
      expiresAt === null ? PRINCIPAL_CACHE_MS : expiresAt - Date.now(),
    );
    await this.cache.set(`principal:${hash}`, JSON.stringify({ principal, expiresAt }), ttl);
  }
}

const invalidToken = () =>
  new AppError(
    'unauthenticated',
    'auth.invalid_token',
    'The token is not valid; log in again or check the API key',
  );
