import { Customer } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';
import { errorResponses, IdParams } from '../schemas.ts';

export function customerRoutes(fastify: FastifyInstance, services: Services): void {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/customers/:id',
    {
      config: { auth: { permission: 'customers.read' } },
      schema: {
        tags: ['customers'],
        summary: 'A customer and their channel identities',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Customer, ...errorResponses },
      },
    },
    async (req) => services.conversations.customer(req.tenantId, req.params.id),
  );
}
