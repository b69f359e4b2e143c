import { type ApiKeyInfo, AppError } from '@kefu/contracts';
import { type Database, newId, type Schema, TenantScope } from '@kefu/platform';
import type { Selectable } from 'kysely';
import { AuditRepository, actorOf } from './audit.repository.ts';
import type { AuthService } from './auth.service.ts';
import type { Principal } from './permissions.ts';
import { hashSecret, newSecret } from './tokens.ts';

const toInfo = (r: Selectable<Schema['api_keys']>): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class ApiKeysService {
  constructor(
    private readonly database: Database,
    private readonly auth: AuthService,
  ) {}

  /** Returns the key in clear exactly once; only its hash is kept. */
  async create(
    tenantId: string,
    actor: Principal | null,
    name: string,
  ): Promise<{ key: string; info: ApiKeyInfo }> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) {
      throw new AppError('invalid', 'api_key.invalid_name', 'An API key name must have 1 to 100 characters');
    }
    const key = newSecret('kfk_');
    const row = {
      id: newId(),
      name: trimmed,
      prefix: key.slice(0, 10),
      key_hash: hashSecret(key),
      created_by: actor?.kind === 'user' ? actor.userId : null,
      created_at: Date.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await new TenantScope(this.database.db, tenantId).transaction(async (tx) => {
      await tx.insertInto('api_keys', row).execute();
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: row.id,
        details: { name: trimmed },
      });
    });
    return { key, info: toInfo({ ...row, tenant_id: tenantId }) };
  }

  async list(tenantId: string): Promise<ApiKeyInfo[]> {
    const rows = await new TenantScope(this.database.db, tenantId)
      .selectFrom('api_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toInfo);
  }

  async revoke(tenantId: string, actor: Principal, id: string): Promise<ApiKeyInfo> {
    const scope = new TenantScope(this.database.db, tenantId);
    const row = await scope.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'api_key.not_found', `No API key ${id} in this tenant`);
    if (row.revoked_at !== null) return toInfo(row);
    const revokedAt = Date.now();
    await scope.transaction(async (tx) => {
      await tx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: id,
        details: { name: row.name },
      });
    });
    await this.auth.forget([row.key_hash]);
    return toInfo({ ...row, revoked_at: revokedAt });
  }
}
