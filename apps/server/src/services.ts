import {
  ConversationService,
  type Responder,
  type TenantProfile,
  WelcomeResponder,
} from '@kefu/conversation';
import { NluService } from '@kefu/nlu';
import {
  type Cache,
  createDatabase,
  type Database,
  type EventBus,
  MemoryBus,
  MemoryCache,
  migrateToLatest,
  RedisBus,
  RedisCache,
} from '@kefu/platform';
import {
  ApiKeysService,
  AuditService,
  AuthService,
  TenantsService,
  UsersService,
  VisitorTokens,
} from '@kefu/tenancy';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { Metrics } from './observability/metrics.ts';

/** Everything the routes, sockets and CLI use, wired once from the configuration. */
export interface Services {
  config: Config;
  database: Database;
  bus: EventBus;
  cache: Cache;
  metrics: Metrics;
  auth: AuthService;
  tenants: TenantsService;
  users: UsersService;
  apiKeys: ApiKeysService;
  audit: AuditService;
  visitorTokens: VisitorTokens;
  conversations: ConversationService;
  nlu: NluService;
  close(): Promise<void>;
}

const TENANT_PROFILE_TTL_MS = 30_000;

export async function createServices(
  config: Config,
  log: Logger,
  options: { responder?: Responder; migrate?: boolean } = {},
): Promise<Services> {
  const database = createDatabase({ url: config.databaseUrl, sqliteSynchronous: config.sqliteSynchronous });
  if (options.migrate !== false) await migrateToLatest(database);
  const onListenerError = (err: unknown, event: { type: string }) =>
    log.error({ err, event: event.type }, 'event listener failed');
  const bus: EventBus = config.redisUrl
    ? new RedisBus(config.redisUrl, undefined, onListenerError)
    : new MemoryBus(onListenerError);
  if (bus instanceof RedisBus) await bus.whenReady();
  const cache: Cache = config.redisUrl ? new RedisCache(config.redisUrl) : new MemoryCache();
  const auth = new AuthService(database, cache, { sessionTtlMs: config.sessionTtlMs });
  const tenants = new TenantsService(database);

  // The welcome text is read on every new conversation; a short per-node memo keeps it off the store.
  const profiles = new Map<string, { profile: TenantProfile; until: number }>();
  const tenantProfile = async (tenantId: string): Promise<TenantProfile> => {
    const hit = profiles.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.profile;
    const t = await tenants.get(tenantId);
    const profile = { id: t.id, name: t.name, welcomeMessage: t.welcomeMessage };
    profiles.set(tenantId, { profile, until: Date.now() + TENANT_PROFILE_TTL_MS });
    return profile;
  };

  const metrics = new Metrics();
  const conversations = new ConversationService({
    database,
    // Counted where published (once per message), not where heard (once per node).
    bus: {
      publish: (event) => {
        if (event.type === 'message.created') metrics.messages.inc({ sender: event.message.sender });
        return bus.publish(event);
      },
      subscribe: (handler) => bus.subscribe(handler),
      close: () => bus.close(),
    },
    responder: options.responder ?? new WelcomeResponder(),
    tenantProfile,
    onPublishError: (err, event) =>
      log.error({ err, event: event.type }, 'event publish failed after commit'),
  });

  const nlu = new NluService({ database, bus, cacheDir: config.nluCacheDir });

  return {
    config,
    database,
    bus,
    cache,
    metrics,
    auth,
    tenants,
    users: new UsersService(database, auth),
    apiKeys: new ApiKeysService(database, auth),
    audit: new AuditService(database),
    visitorTokens: new VisitorTokens(config.secret, config.visitorTokenTtlSeconds),
    conversations,
    nlu,
    async close() {
      await conversations.drain();
      nlu.close();
      await bus.close();
      await cache.close();
      await database.close();
    },
  };
}
