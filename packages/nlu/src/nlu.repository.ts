import type { NluExample, NluModelInfo, NluSettings } from '@kefu/contracts';
import type { TenantScope } from '@kefu/platform';

export const DEFAULT_THRESHOLD = 0.35;

/** A shop's NLU rows. Every query goes through the tenant's scope. */
export class NluRepository {
  constructor(private readonly scope: TenantScope) {}

  async shopIntents() {
    return this.scope.selectFrom('nlu_intents').selectAll().orderBy('intent').execute();
  }

  async exampleCounts(): Promise<Map<string, number>> {
    const rows = await this.scope
      .selectFrom('nlu_examples')
      .select(['intent', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('intent')
      .execute();
    return new Map(rows.map((r) => [r.intent, Number(r.n)]));
  }

  async examples(intent?: string): Promise<NluExample[]> {
    let q = this.scope.selectFrom('nlu_examples').selectAll().orderBy('id');
    if (intent) q = q.where('intent', '=', intent);
    const rows = await q.execute();
    return rows.map((r) => ({ id: r.id, intent: r.intent, text: r.text, createdAt: Number(r.created_at) }));
  }

  async existingKeys(keys: readonly string[]) {
    if (keys.length === 0) return [];
    return this.scope
      .selectFrom('nlu_examples')
      .select(['text_key', 'intent', 'text'])
      .where('text_key', 'in', keys)
      .execute();
  }

  async vocabulary(): Promise<string[]> {
    const rows = await this.scope.selectFrom('nlu_vocabulary').select('word').orderBy('word').execute();
    return rows.map((r) => r.word);
  }

  async settings(): Promise<NluSettings> {
    const row = await this.scope.selectFrom('nlu_settings').selectAll().executeTakeFirst();
    return { threshold: row?.threshold ?? DEFAULT_THRESHOLD, activeModelId: row?.active_model_id ?? null };
  }

  async saveSettings(settings: NluSettings, now: number): Promise<void> {
    const updated = await this.scope
      .updateTable('nlu_settings')
      .set({ threshold: settings.threshold, active_model_id: settings.activeModelId, updated_at: now })
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.scope
        .insertInto('nlu_settings', {
          threshold: settings.threshold,
          active_model_id: settings.activeModelId,
          updated_at: now,
        })
        .execute();
    }
  }

  async models(): Promise<NluModelInfo[]> {
    const [rows, settings] = await Promise.all([
      this.scope
        .selectFrom('nlu_models')
        .select(['id', 'version', 'intents', 'examples', 'report', 'created_at'])
        .orderBy('version', 'desc')
        .execute(),
      this.settings(),
    ]);
    return rows.map((r) => {
      const report = JSON.parse(r.report) as { warnings: string[]; seconds: number };
      return {
        id: r.id,
        version: Number(r.version),
        intents: Number(r.intents),
        examples: Number(r.examples),
        active: r.id === settings.activeModelId,
        warnings: report.warnings,
        trainingSeconds: report.seconds,
        createdAt: Number(r.created_at),
      };
    });
  }

  async model(id: string) {
    return this.scope.selectFrom('nlu_models').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async nextVersion(): Promise<number> {
    const row = await this.scope
      .selectFrom('nlu_models')
      .select((eb) => eb.fn.max<number>('version').as('v'))
      .executeTakeFirst();
    return Number(row?.v ?? 0) + 1;
  }
}
