import type { Kysely } from 'kysely';

// A shop's own NLU data (intents, examples, vocabulary), its settings and its trained models.
// Built-in intents and examples ship as files; these tables hold only what a shop adds.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('nlu_intents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('intent', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('nlu_intents_key')
    .unique()
    .on('nlu_intents')
    .columns(['tenant_id', 'intent'])
    .execute();

  await db.schema
    .createTable('nlu_examples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('intent', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // The utterance with case, spaces and punctuation removed: one utterance, one intent.
    .addColumn('text_key', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('nlu_examples_key')
    .unique()
    .on('nlu_examples')
    .columns(['tenant_id', 'text_key'])
    .execute();

  await db.schema
    .createTable('nlu_vocabulary')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('nlu_vocabulary_key')
    .unique()
    .on('nlu_vocabulary')
    .columns(['tenant_id', 'word'])
    .execute();

  await db.schema
    .createTable('nlu_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('intents', 'integer', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('vocabulary', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    // gzip + base64 of the encoded classifier: text so both dialects store it the same way.
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('nlu_models_version')
    .unique()
    .on('nlu_models')
    .columns(['tenant_id', 'version'])
    .execute();

  await db.schema
    .createTable('nlu_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    // null: the built-in model serves this shop.
    .addColumn('active_model_id', 'text', (c) => c.references('nlu_models.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
