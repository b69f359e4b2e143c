import { Email, Password, Role, User } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { principalOf } from '../auth.ts';
import { errorResponses, IdParams } from '../schemas.ts';

export function userRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/users',
    {
      config: { auth: { permission: 'users.read' } },
      schema: {
        tags: ['users'],
        summary: 'Users of this tenant',
        security,
        response: { 200: z.object({ items: z.array(User) }) },
      },
    },
    async (req) => ({ items: await services.users.list(req.tenantId) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { auth: { permission: 'users.manage' } },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        security,
        body: z.object({ email: Email, name: z.string().min(1).max(100), password: Password, role: Role }),
        response: { 201: User, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await services.users.create(req.tenantId, principalOf(req), req.body)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { auth: { permission: 'users.manage' } },
      schema: {
        tags: ['users'],
        summary: "Change a user's role",
        security,
        params: IdParams,
        body: z.object({ role: Role }),
        response: { 200: User, ...errorResponses },
      },
    },
    async (req) => services.users.changeRole(req.tenantId, principalOf(req), req.params.id, req.body.role),
  );
}
