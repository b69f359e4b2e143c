import type { Role, User } from '@kefu/contracts';
import type { Schema, TenantScope } from '@kefu/platform';
import type { Kysely, Selectable } from 'kysely';

type UserRow = Selectable<Schema['users']>;

export const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
});

/** Login happens before any tenant is known: the one unscoped lookup, by e-mail. */
export async function findUserForLogin(db: Kysely<Schema>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export class UserRepository {
  constructor(private readonly scope: TenantScope) {}

  async insert(row: Omit<UserRow, 'tenant_id'>): Promise<void> {
    await this.scope.insertInto('users', row).execute();
  }

  async byId(id: string): Promise<User | undefined> {
    const row = await this.scope.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.scope.selectFrom('users').selectAll().orderBy('created_at').execute();
    return rows.map(toUser);
  }

  async setRole(id: string, role: Role, now: number): Promise<void> {
    await this.scope.updateTable('users').set({ role, updated_at: now }).where('id', '=', id).execute();
  }

  async countOwners(): Promise<number> {
    const { n } = await this.scope
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
