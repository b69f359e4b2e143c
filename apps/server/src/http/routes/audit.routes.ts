import { AuditEntry } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { errorResponses, Limit } from '../schemas.ts';

export function auditRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/audit-log',
    {
      config: { auth: { permission: 'audit.read' } },
      schema: {
        tags: ['tenancy'],
        summary: 'Security-relevant actions, newest first',
        security: [{ bearer: [] }],
        querystring: z.object({ limit: Limit, before: z.string().max(64).optional() }),
        response: {
          200: z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const items = await services.audit.list(req.tenantId, req.query.limit, req.query.before);
      return { items, nextCursor: items.length === req.query.limit ? items[items.length - 1]!.id : null };
    },
  );
}
