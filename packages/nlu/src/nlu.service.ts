import {
  AppError,
  type DomainEvent,
  type NluExample,
  type NluIntent,
  type NluModelInfo,
  type NluSettings,
} from '@kefu/contracts';
import {
  DictionaryMatcher,
  NluEngine,
  type NluResult,
  type TextClassifier,
  utteranceKey,
} from '@kefu/engine';
import { type Database, isUniqueViolation, newId, TenantScope } from '@kefu/platform';
import { AuditRepository, actorOf, type Principal } from '@kefu/tenancy';
import { builtinData, builtinTrainingKeys } from './builtin-data.ts';
import { packClassifier, unpackClassifier } from './model-codec.ts';
import {
  polarityModel,
  readBuiltinCache,
  TrainingRefused,
  trainIntents,
  writeBuiltinCache,
} from './models.ts';
import { NluRepository } from './nlu.repository.ts';
import { defaultSegmenter } from './segmenter.ts';

export interface NluServiceOptions {
  database: Database;
  bus: {
    publish(event: DomainEvent): Promise<void>;
    subscribe(handler: (event: DomainEvent) => void): () => void;
  };
  /** Where the built-in model is cached between runs (the data directory). */
  cacheDir?: string;
  /** Minutes east of UTC for relative dates (昨天, 上周三). */
  timezoneOffsetMinutes?: number;
  clock?: () => number;
}

/**
 * A shop's own examples are few against ~60 built-in ones per intent; they count this many times
 * so that where the two overlap (黑卡会员 vs account.member) the shop's wording wins.
 */
const SHOP_EXAMPLE_WEIGHT = 3;

/** How long a node serves a tenant's engine before re-reading which model is active. */
const RECHECK_MS = 5_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Per-shop NLU: serves each tenant's active model (or the built-in one), keeps the shop's own
 * intents, examples and vocabulary, trains new model versions without blocking live chats, and
 * swaps them in atomically on every node.
 */
export class NluService {
  private builtin?: Promise<TextClassifier>;
  private readonly engines = new Map<
    string,
    { engine: Promise<NluEngine>; version: string; checkedAt: number }
  >();
  private readonly training = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly clock: () => number;

  constructor(private readonly options: NluServiceOptions) {
    this.clock = options.clock ?? Date.now;
    // Every node (this one included) forgets a tenant's engine when its model changes.
    this.unsubscribe = options.bus.subscribe((event) => {
      if (event.type === 'nlu.model_changed') this.engines.delete(event.tenantId);
    });
  }

  /**
   * Loads the built-in model from the cache, or trains it (yielding to the event loop every
   * epoch, so a starting server already answers) and caches it for the next start.
   */
  warmUp(): Promise<TextClassifier> {
    this.builtin ??= (async () => {
      const cached = readBuiltinCache(this.options.cacheDir);
      if (cached) return cached;
      const { classifier } = await runTraining(builtinData().train, defaultSegmenter(), undefined);
      writeBuiltinCache(this.options.cacheDir, classifier);
      return classifier;
    })();
    this.builtin.catch(() => {
      this.builtin = undefined;
    });
    return this.builtin;
  }

  close(): void {
    this.unsubscribe();
  }

  async analyse(tenantId: string, text: string): Promise<NluResult> {
    const engine = await this.engineFor(tenantId);
    return engine.analyse(text, {
      now: this.clock(),
      timezoneOffsetMinutes: this.options.timezoneOffsetMinutes ?? 480,
    });
  }

  /**
   * The tenant's engine. The bus tells every node at once when a model changes; the settings
   * row is also re-read every few seconds, so a change made by another process without a shared
   * bus (`kefu nlu train --tenant` beside an embedded server) is served within RECHECK_MS.
   */
  async engineFor(tenantId: string): Promise<NluEngine> {
    const entry = this.engines.get(tenantId);
    const now = performance.now();
    if (entry && now - entry.checkedAt < RECHECK_MS) return entry.engine;
    const settings = await this.repo(tenantId).settings();
    const version = `${settings.activeModelId}|${settings.threshold}`;
    const current = this.engines.get(tenantId);
    if (current && current.version === version) {
      current.checkedAt = now;
      return current.engine;
    }
    const engine = this.loadEngine(tenantId, settings);
    engine.catch(() => this.engines.delete(tenantId));
    this.engines.set(tenantId, { engine, version, checkedAt: now });
    return engine;
  }

  private async loadEngine(tenantId: string, settings: NluSettings): Promise<NluEngine> {
    const stored = settings.activeModelId
      ? await this.repo(tenantId).model(settings.activeModelId)
      : undefined;
    const vocabulary: string[] = stored ? JSON.parse(stored.vocabulary) : [];
    return new NluEngine({
      intents: stored ? unpackClassifier(stored.model) : await this.warmUp(),
      polarity: polarityModel(),
      segmenter: defaultSegmenter(),
      threshold: settings.threshold,
      ...(vocabulary.length > 0
        ? { vocabulary: new DictionaryMatcher(vocabulary.map((w) => [w, w] as const)) }
        : {}),
    });
  }

  async intents(tenantId: string): Promise<NluIntent[]> {
    const repo = this.repo(tenantId);
    const [shop, counts] = await Promise.all([repo.shopIntents(), repo.exampleCounts()]);
    const builtinCounts = new Map<string, number>();
    for (const e of builtinData().train) builtinCounts.set(e.intent, (builtinCounts.get(e.intent) ?? 0) + 1);
    const row = (intent: string, name: string, description: string, builtin: boolean): NluIntent => ({
      intent,
      name,
      description,
      builtin,
      examples: (builtinCounts.get(intent) ?? 0) + (counts.get(intent) ?? 0),
      shopExamples: counts.get(intent) ?? 0,
    });
    return [
      ...builtinData().intents.map((i) => row(i.id, i.name, i.description, true)),
      ...shop.map((i) => row(i.intent, i.name, i.description, false)),
    ];
  }

  async createIntent(
    tenantId: string,
    actor: Principal | null,
    input: { intent: string; name: string; description: string },
  ): Promise<NluIntent> {
    if (builtinData().intents.some((i) => i.id === input.intent)) {
      throw new AppError(
        'conflict',
        'nlu.intent_exists',
        `${input.intent} is a built-in intent; add examples to it instead`,
      );
    }
    const scope = this.scope(tenantId);
    try {
      await scope.insertInto('nlu_intents', { id: newId(), ...input, created_at: this.clock() }).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('conflict', 'nlu.intent_exists', `intent ${input.intent} already exists`);
      throw err;
    }
    await new AuditRepository(scope).record(actorOf(actor), {
      action: 'nlu.intent_created',
      targetType: 'nlu_intent',
      targetId: input.intent,
    });
    return { ...input, builtin: false, examples: 0, shopExamples: 0 };
  }

  async examples(tenantId: string, intent: string): Promise<NluExample[]> {
    await this.requireIntent(tenantId, intent);
    return this.repo(tenantId).examples(intent);
  }

  /** Adds utterances to an intent; all or nothing, refusing ones already used (under any intent). */
  addExamples(
    tenantId: string,
    actor: Principal | null,
    intent: string,
    texts: readonly string[],
  ): Promise<NluExample[]> {
    return this.importExamples(
      tenantId,
      actor,
      texts.map((text) => ({ intent, text })),
      { createIntents: false },
    );
  }

  /**
   * Adds examples of several intents in one transaction (`kefu nlu import`): every utterance is
   * checked first (empty, given twice, already a built-in or shop example), then all are written
   * or none. With `createIntents`, unknown intent ids become shop intents named after their id.
   */
  async importExamples(
    tenantId: string,
    actor: Principal | null,
    examples: readonly { intent: string; text: string }[],
    options: { createIntents: boolean },
  ): Promise<NluExample[]> {
    const builtinIds = new Set(builtinData().intents.map((i) => i.id));
    const shopIds = new Set((await this.repo(tenantId).shopIntents()).map((i) => i.intent));
    const missing = [...new Set(examples.map((e) => e.intent))].filter(
      (i) => !builtinIds.has(i) && !shopIds.has(i),
    );
    if (missing.length > 0 && !options.createIntents) {
      throw new AppError(
        'not_found',
        'nlu.intent_not_found',
        `No intent ${missing.join(', ')}; create it first (POST /api/v1/nlu/intents)`,
      );
    }
    const rows = examples.map((e) => ({ intent: e.intent, text: e.text.trim(), key: utteranceKey(e.text) }));
    const empty = rows.find((r) => r.key === '');
    if (empty)
      throw new AppError('invalid', 'nlu.example_empty', `"${empty.text}" has no words to learn from`);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.key)) problems.push(`"${r.text}" is given twice`);
      seen.add(r.key);
    }
    const builtinTrain = builtinTrainingKeys();
    for (const r of rows) {
      const builtinIntent = builtinTrain.get(r.key);
      if (builtinIntent) problems.push(`"${r.text}" is already a built-in example of ${builtinIntent}`);
    }
    for (const existing of await this.repo(tenantId).existingKeys([...seen])) {
      problems.push(`"${existing.text}" is already an example of ${existing.intent}`);
    }
    if (problems.length > 0) {
      throw new AppError(
        'conflict',
        'nlu.example_exists',
        `${problems.length} example(s) refused: ${problems.join('; ')}`,
        {
          problems,
        },
      );
    }
    const now = this.clock();
    const created = rows.map((r) => ({
      id: newId(),
      intent: r.intent,
      text: r.text,
      text_key: r.key,
      created_at: now,
    }));
    await this.scope(tenantId).transaction(async (tx) => {
      if (missing.length > 0) {
        await tx
          .insertInto(
            'nlu_intents',
            missing.map((intent) => ({
              id: newId(),
              intent,
              name: intent,
              description: '',
              created_at: now,
            })),
          )
          .execute();
      }
      await tx
        .insertInto(
          'nlu_examples',
          created.map((c) => ({ ...c, created_by: actorOf(actor).actorId })),
        )
        .execute();
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'nlu.examples_added',
        details: {
          count: created.length,
          intents: [...new Set(rows.map((r) => r.intent))],
          created: missing,
        },
      });
    });
    return created.map((c) => ({ id: c.id, intent: c.intent, text: c.text, createdAt: now }));
  }

  async deleteExample(tenantId: string, actor: Principal | null, id: string): Promise<void> {
    const scope = this.scope(tenantId);
    const deleted = await scope.deleteFrom('nlu_examples').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) {
      throw new AppError('not_found', 'nlu.example_not_found', `No example ${id} in this shop`);
    }
    await new AuditRepository(scope).record(actorOf(actor), {
      action: 'nlu.example_deleted',
      targetType: 'nlu_example',
      targetId: id,
    });
  }

  vocabulary(tenantId: string): Promise<string[]> {
    return this.repo(tenantId).vocabulary();
  }

  /** Replaces the shop vocabulary; it takes effect with the next trained model. */
  async setVocabulary(
    tenantId: string,
    actor: Principal | null,
    words: readonly string[],
  ): Promise<string[]> {
    const unique = [...new Set(words.map((w) => w.trim()).filter((w) => w !== ''))].sort();
    const now = this.clock();
    await this.scope(tenantId).transaction(async (tx) => {
      await tx.deleteFrom('nlu_vocabulary').execute();
      if (unique.length > 0) {
        await tx
          .insertInto(
            'nlu_vocabulary',
            unique.map((word) => ({ id: newId(), word, created_at: now })),
          )
          .execute();
      }
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'nlu.vocabulary_replaced',
        details: { words: unique.length },
      });
    });
    return unique;
  }

  settings(tenantId: string): Promise<NluSettings> {
    return this.repo(tenantId).settings();
  }

  async setThreshold(tenantId: string, actor: Principal | null, threshold: number): Promise<NluSettings> {
    const repo = this.repo(tenantId);
    const settings = { ...(await repo.settings()), threshold };
    await repo.saveSettings(settings, this.clock());
    await new AuditRepository(this.scope(tenantId)).record(actorOf(actor), {
      action: 'nlu.threshold_changed',
      details: { threshold },
    });
    await this.changed(tenantId, settings.activeModelId);
    return settings;
  }

  models(tenantId: string): Promise<NluModelInfo[]> {
    return this.repo(tenantId).models();
  }

  /**
   * Trains a new version from the built-in examples plus the shop's, stores it and makes it the
   * active model. The previous model keeps answering until the new one is stored.
   */
  async train(tenantId: string, actor: Principal | null): Promise<NluModelInfo> {
    if (this.training.has(tenantId)) {
      throw new AppError(
        'conflict',
        'nlu.training_in_progress',
        'a model is already being trained for this shop; wait for it',
      );
    }
    this.training.add(tenantId);
    try {
      const repo = this.repo(tenantId);
      const [shopIntents, shopExamples, vocabulary] = await Promise.all([
        repo.shopIntents(),
        repo.examples(),
        repo.vocabulary(),
      ]);
      const known = new Set([...builtinData().intents.map((i) => i.id), ...shopIntents.map((i) => i.intent)]);
      const examples = [
        ...builtinData().train,
        ...shopExamples
          .filter((e) => known.has(e.intent))
          .map((e) => ({
            intent: e.intent,
            text: e.text,
            source: `example ${e.id}`,
            weight: SHOP_EXAMPLE_WEIGHT,
          })),
      ];
      const started = performance.now();
      const matcher =
        vocabulary.length > 0 ? new DictionaryMatcher(vocabulary.map((w) => [w, w] as const)) : undefined;
      const segmenter = defaultSegmenter();
      const spans = matcher ? (text: string) => matcher.findAll(text) : undefined;
      let result: Awaited<ReturnType<typeof runTraining>>;
      try {
        result = await runTraining(examples, segmenter, spans);
      } catch (err) {
        if (err instanceof TrainingRefused) {
          throw new AppError('invalid', 'nlu.training_refused', err.message, { errors: err.report.errors });
        }
        throw err;
      }
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      const id = newId();
      const version = await repo.nextVersion();
      const now = this.clock();
      const scope = this.scope(tenantId);
      await scope.transaction(async (tx) => {
        await tx
          .insertInto('nlu_models', {
            id,
            version,
            intents: result.report.intents.length,
            examples: result.report.usable.length,
            vocabulary: JSON.stringify(vocabulary),
            report: JSON.stringify({ warnings: result.report.warnings, seconds }),
            model: packClassifier(result.classifier),
            created_by: actorOf(actor).actorId,
            created_at: now,
          })
          .execute();
        const txRepo = new NluRepository(tx);
        await txRepo.saveSettings({ ...(await txRepo.settings()), activeModelId: id }, now);
        await new AuditRepository(tx).record(actorOf(actor), {
          action: 'nlu.model_trained',
          targetType: 'nlu_model',
          targetId: id,
          details: { version, examples: result.report.usable.length },
        });
      });
      await this.changed(tenantId, id);
      return (await repo.models()).find((m) => m.id === id)!;
    } finally {
      this.training.delete(tenantId);
    }
  }

  /** Makes a stored version the active one (roll back or forward); null returns to the built-in model. */
  async activate(tenantId: string, actor: Principal | null, modelId: string | null): Promise<NluSettings> {
    const repo = this.repo(tenantId);
    if (modelId !== null && !(await repo.model(modelId))) {
      throw new AppError('not_found', 'nlu.model_not_found', `No model ${modelId} in this shop`);
    }
    const settings = { ...(await repo.settings()), activeModelId: modelId };
    await repo.saveSettings(settings, this.clock());
    await new AuditRepository(this.scope(tenantId)).record(actorOf(actor), {
      action: 'nlu.model_activated',
      targetType: 'nlu_model',
      targetId: modelId ?? 'builtin',
    });
    await this.changed(tenantId, modelId);
    return settings;
  }

  private async changed(tenantId: string, modelId: string | null) {
    this.engines.delete(tenantId);
    await this.options.bus.publish({ type: 'nlu.model_changed', tenantId, modelId });
  }

  private async requireIntent(tenantId: string, intent: string) {
    if (builtinData().intents.some((i) => i.id === intent)) return;
    const shop = await this.scope(tenantId)
      .selectFrom('nlu_intents')
      .select('id')
      .where('intent', '=', intent)
      .executeTakeFirst();
    if (!shop) {
      throw new AppError(
        'not_found',
        'nlu.intent_not_found',
        `No intent ${intent}; create it first (POST /api/v1/nlu/intents)`,
      );
    }
  }

  private scope(tenantId: string) {
    return new TenantScope(this.options.database.db, tenantId);
  }

  private repo(tenantId: string) {
    return new NluRepository(this.scope(tenantId));
  }
}

/** Training, one epoch per event-loop turn so chats keep flowing while a shop retrains. */
async function runTraining(
  examples: Parameters<typeof trainIntents>[0],
  segmenter: Parameters<typeof trainIntents>[1],
  spans: Parameters<typeof trainIntents>[2],
) {
  const steps = trainIntents(examples, segmenter, spans);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
  }
}
