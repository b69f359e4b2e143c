import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { hashSecret } from '@kefu/tenancy';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerAuth } from './http/auth.ts';
import { registerErrorHandling, registerStrictJson, toErrorResponse } from './http/errors.ts';
import { apiKeyRoutes } from './http/routes/api-keys.routes.ts';
import { auditRoutes } from './http/routes/audit.routes.ts';
import { authRoutes } from './http/routes/auth.routes.ts';
import { conversationRoutes } from './http/routes/conversations.routes.ts';
import { customerRoutes } from './http/routes/customers.routes.ts';
import { healthRoutes } from './http/routes/health.routes.ts';
import { inboundRoutes } from './http/routes/inbound.routes.ts';
import { nluRoutes } from './http/routes/nlu.routes.ts';
import { tenantRoutes } from './http/routes/tenant.routes.ts';
import { userRoutes } from './http/routes/users.routes.ts';
import { widgetRoutes } from './http/routes/widget.routes.ts';
import type { Services } from './services.ts';
import { registerGateway } from './ws/gateway.ts';
import { RealtimeHub } from './ws/hub.ts';

export const BODY_LIMIT_BYTES = 256 * 1024;
const WS_MAX_PAYLOAD_BYTES = 64 * 1024;

/** Builds the HTTP + WebSocket server over already-created services (no listening yet). */
export async function buildApp(
  services: Services,
  log: Logger,
): Promise<{ app: FastifyInstance; hub: RealtimeHub }> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: services.config.trustProxy,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    // Errors fastify raises before routing (a malformed URL) get Kefu's error bodies too.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const { status, body } = toErrorResponse(err);
      reply.status(status).send(body);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerStrictJson(app);
  registerErrorHandling(app);

  await app.register(helmet, { contentSecurityPolicy: false });
  // Closed with the app: a forgotten connection kept a stopped cluster node from exiting.
  const limiterRedis = services.config.redisUrl
    ? new Redis(services.config.redisUrl, { maxRetriesPerRequest: 1 })
    : null;
  app.addHook('onClose', async () => {
    await limiterRedis?.quit();
  });
  await app.register(rateLimit, {
    max: services.config.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(limiterRedis ? { redis: limiterRedis } : {}),
    // Hashed: the limiter's keys (in Redis, in cluster mode) must not hold bearer secrets.
    keyGenerator: (req) => (req.headers.authorization ? hashSecret(req.headers.authorization) : req.ip),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'request.rate_limited',
      message: `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Kefu API',
        version: '1',
        description: 'Self-hosted AI customer service for e-commerce',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Session token (kfs_…) or tenant API key (kfk_…)',
          },
          visitor: {
            type: 'http',
            scheme: 'bearer',
            description: 'Visitor token from POST /api/v1/widget/sessions',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES } });

  const started = new WeakMap<object, bigint>();
  app.addHook('onRequest', async (req) => {
    started.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    services.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      Number(process.hrtime.bigint() - t0) / 1e9,
    );
  });

  registerAuth(app, services);
  const hub = new RealtimeHub(services.bus);
  healthRoutes(app, services);
  authRoutes(app, services);
  tenantRoutes(app, services);
  userRoutes(app, services);
  apiKeyRoutes(app, services);
  auditRoutes(app, services);
  conversationRoutes(app, services);
  customerRoutes(app, services);
  inboundRoutes(app, services);
  widgetRoutes(app, services);
  nluRoutes(app, services);
  registerGateway(app, services, hub);
  app.addHook('onClose', async () => hub.close());
  return { app, hub };
}
