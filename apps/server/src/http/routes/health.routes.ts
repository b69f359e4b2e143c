import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';

export function healthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Process is alive' } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Store is reachable' } },
    async (_req, reply) => {
      try {
        await services.database.ping();
        return { status: 'ready', store: services.database.dialect };
      } catch {
        return reply.status(503).send({ code: 'store.unreachable', message: 'The database does not answer' });
      }
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_req, reply) => {
      reply.type(services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
}
