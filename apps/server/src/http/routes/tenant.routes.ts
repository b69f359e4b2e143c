import { Tenant } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { errorResponses } from '../schemas.ts';

export function tenantRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/tenant',
    {
      config: { auth: { permission: 'tenant.read' } },
      schema: {
        tags: ['tenancy'],
        summary: 'The current tenant and, for a group, its brands',
        security,
        response: { 200: z.object({ tenant: Tenant, brands: z.array(Tenant) }), ...errorResponses },
      },
    },
    async (req) => ({
      tenant: await services.tenants.get(req.tenantId),
      brands: await services.tenants.brandsOf(req.tenantId),
    }),
  );

  app.post(
    '/api/v1/tenant/brands',
    {
      config: { auth: { permission: 'tenant.manage' } },
      schema: {
        tags: ['tenancy'],
        summary: 'Create a brand under the current (group) tenant',
        security,
        body: z.object({
          name: z.string().min(1).max(100),
          welcomeMessage: z.string().min(1).max(500).optional(),
        }),
        response: { 201: Tenant, ...errorResponses },
      },
    },
    async (req, reply) => {
      const brand = await services.tenants.create({ ...req.body, parent: req.tenantId });
      return reply.status(201).send(brand);
    },
  );
}
