import type { Tenant } from '@kefu/contracts';
import type { Schema } from '@kefu/platform';
import type { Kysely, Selectable } from 'kysely';

type TenantRow = Selectable<Schema['tenants']>;

export const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  welcomeMessage: r.welcome_message,
  createdAt: r.created_at,
});

/** Tenants are the root of scoping, so this repository is the one that is not scoped. */
export class TenantRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(row: TenantRow): Promise<void> {
    await this.db.insertInto('tenants').values(row).execute();
  }

  async byId(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async byName(name: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toTenant(row);
  }

  async brandsOf(parentId: string): Promise<Tenant[]> {
    const rows = await this.db
      .selectFrom('tenants')
      .selectAll()
      .where('parent_id', '=', parentId)
      .orderBy('name')
      .execute();
    return rows.map(toTenant);
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
