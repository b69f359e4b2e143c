import type { AuditEntry } from '@kefu/contracts';
import { type Database, TenantScope } from '@kefu/platform';
import { AuditRepository } from './audit.repository.ts';

/** Reading the audit log; entries are written by the services whose actions they record. */
export class AuditService {
  constructor(private readonly database: Database) {}

  /** Newest first; `before` is the id of the last entry of the previous page. */
  list(tenantId: string, limit: number, before?: string): Promise<AuditEntry[]> {
    return new AuditRepository(new TenantScope(this.database.db, tenantId)).list(limit, before);
  }
}
