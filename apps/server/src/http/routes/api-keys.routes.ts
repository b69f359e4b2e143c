import { ApiKeyInfo } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { principalOf } from '../auth.ts';
import { errorResponses, IdParams } from '../schemas.ts';

export function apiKeyRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/api-keys',
    {
      config: { auth: { permission: 'api_keys.manage' } },
      schema: {
        tags: ['api keys'],
        summary: 'API keys of this tenant',
        security,
        response: { 200: z.object({ items: z.array(ApiKeyInfo) }) },
      },
    },
    async (req) => ({ items: await services.apiKeys.list(req.tenantId) }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { auth: { permission: 'api_keys.manage' } },
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key; the key is shown only in this response',
        security,
        body: z.object({ name: z.string().min(1).max(100) }),
        response: { 201: z.object({ key: z.string(), apiKey: ApiKeyInfo }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { key, info } = await services.apiKeys.create(req.tenantId, principalOf(req), req.body.name);
      return reply.status(201).send({ key, apiKey: info });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { auth: { permission: 'api_keys.manage' } },
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key (it stops working at once)',
        security,
        params: IdParams,
        response: { 200: ApiKeyInfo, ...errorResponses },
      },
    },
    async (req) => services.apiKeys.revoke(req.tenantId, principalOf(req), req.params.id),
  );
}
