import type { Customer } from '@kefu/contracts';
import { newId, type TenantScope } from '@kefu/platform';

export class CustomerRepository {
  constructor(private readonly scope: TenantScope) {}

  /**
   * The customer behind a channel identity, created on first contact. Safe under races:
   * the identity's primary key decides which of two concurrent creators wins.
   */
  async resolve(channel: string, externalId: string, displayName: string | null = null): Promise<string> {
    const existing = await this.identity(channel, externalId);
    if (existing) return existing;
    const now = Date.now();
    const id = newId();
    await this.scope.transaction(async (tx) => {
      await tx
        .insertInto('customers', { id, display_name: displayName, created_at: now, updated_at: now })
        .execute();
      const inserted = await tx
        .insertInto('channel_identities', {
          channel,
          external_id: externalId,
          customer_id: id,
          created_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      // Lost the race to a concurrent first contact: keep theirs, leave no orphan behind.
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        await tx.deleteFrom('customers').where('id', '=', id).execute();
      }
    });
    return (await this.identity(channel, externalId))!;
  }

  async byId(id: string): Promise<Customer | undefined> {
    const row = await this.scope.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const identities = await this.scope
      .selectFrom('channel_identities')
      .select(['channel', 'external_id'])
      .where('customer_id', '=', id)
      .orderBy('created_at')
      .execute();
    return {
      id: row.id,
      displayName: row.display_name,
      createdAt: row.created_at,
      identities: identities.map((i) => ({ channel: i.channel, externalId: i.external_id })),
    };
  }

  private async identity(channel: string, externalId: string): Promise<string | undefined> {
    const row = await this.scope
      .selectFrom('channel_identities')
      .select('customer_id')
      .where('channel', '=', channel)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row?.customer_id;
  }
}
