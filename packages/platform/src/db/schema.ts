/**
 * Table shapes as Kysely sees them. Times are integer milliseconds since the epoch in
 * both dialects (INTEGER in SQLite, BIGINT in PostgreSQL) so the repositories stay
 * dialect-free; JSON is stored as text for the same reason.
 */
export interface TenantTable {
  id: string;
  name: string;
  parent_id: string | null;
  welcome_message: string;
  created_at: number;
}

export interface UserTable {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  token_hash: string;
  tenant_id: string;
  user_id: string;
  expires_at: number;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string | null;
  created_at: number;
}

export interface CustomerTable {
  id: string;
  tenant_id: string;
  display_name: string | null;
  created_at: number;
  updated_at: number;
}

export interface ChannelIdentityTable {
  tenant_id: string;
  channel: string;
  external_id: string;
  customer_id: string;
  created_at: number;
}

export interface ConversationTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  channel: string;
  state: string;
  assignee_id: string | null;
  created_at: number;
  updated_at: number;
  last_message_at: number | null;
  closed_at: number | null;
}

export interface MessageTable {
  id: string;
  tenant_id: string;
  conversation_id: string;
  sender_type: string;
  sender_id: string | null;
  type: string;
  text: string;
  payload: string | null;
  intent: string | null;
  reply_to: string | null;
  idempotency_key: string | null;
  created_at: number;
}

export interface NluIntentTable {
  id: string;
  tenant_id: string;
  intent: string;
  name: string;
  description: string;
  created_at: number;
}

export interface NluExampleTable {
  id: string;
  tenant_id: string;
  intent: string;
  text: string;
  text_key: string;
  created_by: string | null;
  created_at: number;
}

export interface NluVocabularyTable {
  id: string;
  tenant_id: string;
  word: string;
  created_at: number;
}

export interface NluModelTable {
  id: string;
  tenant_id: string;
  version: number;
  intents: number;
  examples: number;
  /** JSON array of the shop words the model was trained with. */
  vocabulary: string;
  /** JSON training report (warnings, per-intent counts, seconds). */
  report: string;
  model: string;
  created_by: string | null;
  created_at: number;
}

export interface NluSettingsTable {
  tenant_id: string;
  threshold: number;
  active_model_id: string | null;
  updated_at: number;
}

export interface Schema {
  tenants: TenantTable;
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  customers: CustomerTable;
  channel_identities: ChannelIdentityTable;
  conversations: ConversationTable;
  messages: MessageTable;
  nlu_intents: NluIntentTable;
  nlu_examples: NluExampleTable;
  nlu_vocabulary: NluVocabularyTable;
  nlu_models: NluModelTable;
  nlu_settings: NluSettingsTable;
}

/** Tables whose every row belongs to one tenant: reachable only through a TenantScope. */
export type TenantTableName = {
  [K in keyof Schema]: Schema[K] extends { tenant_id: string } ? K : never;
}[keyof Schema];
