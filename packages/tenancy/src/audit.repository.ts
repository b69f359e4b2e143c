import type { AuditEntry } from '@kefu/contracts';
import { newId, type TenantScope } from '@kefu/platform';
import type { Principal } from './permissions.ts';

export interface AuditRecord {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

type Actor = Pick<AuditEntry, 'actorType' | 'actorId'>;

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { actorType: 'system', actorId: null };
  if (principal.kind === 'user') return { actorType: 'user', actorId: principal.userId };
  if (principal.kind === 'api_key') return { actorType: 'api_key', actorId: principal.keyId };
  return { actorType: 'system', actorId: null };
}

/** Append-only record of security-relevant actions: logins, keys, roles. */
export class AuditRepository {
  constructor(private readonly scope: TenantScope) {}

  async record(actor: Actor, entry: AuditRecord): Promise<void> {
    await this.scope
      .insertInto('audit_log', {
        id: newId(),
        actor_type: actor.actorType,
        actor_id: actor.actorId,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
        created_at: Date.now(),
      })
      .execute();
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(limit: number, before?: string): Promise<AuditEntry[]> {
    let q = this.scope.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
    if (before) q = q.where('id', '<', before);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      actorType: r.actor_type as AuditEntry['actorType'],
      actorId: r.actor_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
      createdAt: r.created_at,
    }));
  }
}
