import {
  type DeleteQueryBuilder,
  type DeleteResult,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type SelectQueryBuilder,
  sql,
  type Transaction,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { Schema, TenantTableName } from './schema.ts';

type Row<T extends TenantTableName> = Omit<Insertable<Schema[T]>, 'tenant_id'>;

/**
 * The only door to tenant-owned tables. Every select, update and delete it builds
 * already filters on `tenant_id`, and every insert stamps it, so a repository that
 * receives a scope cannot read or touch another shop's rows by forgetting a clause.
 *
 * @example
 * const scope = new TenantScope(database.db, tenantId);
 * await scope.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
 */
export class TenantScope {
  constructor(
    private readonly db: Kysely<Schema>,
    readonly tenantId: string,
  ) {}

  selectFrom<T extends TenantTableName>(table: T): SelectQueryBuilder<Schema, T, object> {
    return this.db.selectFrom(table as TenantTableName).where(this.owned(table)) as never;
  }

  updateTable<T extends TenantTableName>(table: T): UpdateQueryBuilder<Schema, T, T, UpdateResult> {
    return this.db.updateTable(table as TenantTableName).where(this.owned(table)) as never;
  }

  deleteFrom<T extends TenantTableName>(table: T): DeleteQueryBuilder<Schema, T, DeleteResult> {
    return this.db.deleteFrom(table as TenantTableName).where(this.owned(table)) as never;
  }

  insertInto<T extends TenantTableName>(
    table: T,
    rows: Row<T> | readonly Row<T>[],
  ): InsertQueryBuilder<Schema, T, InsertResult> {
    const stamp = (r: Row<T>) => ({ ...r, tenant_id: this.tenantId });
    const values = Array.isArray(rows) ? (rows as Row<T>[]).map(stamp) : stamp(rows as Row<T>);
    return this.db.insertInto(table as TenantTableName).values(values as never) as never;
  }

  /** Run `fn` in one transaction; the scope it receives is bound to the same tenant. */
  transaction<R>(fn: (scope: TenantScope) => Promise<R>): Promise<R> {
    return this.db
      .transaction()
      .execute((trx: Transaction<Schema>) => fn(new TenantScope(trx, this.tenantId)));
  }

  private owned(table: TenantTableName) {
    return sql<boolean>`${sql.ref(`${table}.tenant_id`)} = ${this.tenantId}`;
  }
}
