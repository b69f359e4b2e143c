import { AppError, Email, Password, User } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { bearerOf, principalOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';

export function authRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with e-mail and password; returns a session token',
        body: z.object({ email: Email, password: z.string().min(1).max(200) }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.number(), user: User }),
          ...errorResponses,
        },
      },
    },
    async (req) => services.auth.login(req.body.email, req.body.password, req.ip),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: { permission: 'tenant.read' } },
      schema: { tags: ['auth'], summary: 'End this session', security: [{ bearer: [] }] },
    },
    async (req, reply) => {
      await services.auth.logout(bearerOf(req)!);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { auth: { permission: 'tenant.read' } },
      schema: { tags: ['auth'], summary: 'Who is calling, and in which tenant', security: [{ bearer: [] }] },
    },
    async (req) => {
      const principal = principalOf(req);
      const tenant = await services.tenants.get(req.tenantId);
      if (principal.kind === 'user') {
        return { kind: 'user', user: await services.users.get(principal.tenantId, principal.userId), tenant };
      }
      return { kind: principal.kind, tenant };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      config: { auth: { permission: 'tenant.read' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other sessions end',
        security: [{ bearer: [] }],
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: Password }),
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      if (principal.kind !== 'user') {
        throw new AppError('forbidden', 'auth.forbidden', 'Only a logged-in user can change their password');
      }
      await services.users.changePassword(principal.tenantId, principal, principal.userId, {
        current: req.body.currentPassword,
        next: req.body.newPassword,
        keepSession: bearerOf(req)!,
      });
      return reply.status(204).send();
    },
  );
}
