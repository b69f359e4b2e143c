import { AppError } from '@kefu/contracts';
import { can, type Permission, type Principal } from '@kefu/tenancy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';

/**
 * How a route is reached. Every route under /api declares one; a route that forgets
 * stops the server from starting, so no endpoint is public by accident.
 */
export type RouteAuth = 'public' | 'visitor' | { permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The tenant this request acts in: the caller's own, or a brand of the caller's group. */
    tenantId: string;
  }
}

export function bearerOf(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : null;
}

export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('tenantId', '');

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.auth) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.auth`);
    }
  });

  // onRequest, before the body is read or validated: a caller without valid credentials
  // hears 401/403 first, and cannot make the server parse (or describe) bodies it may not send.
  app.addHook('onRequest', async (req) => {
    const auth = req.routeOptions.config?.auth;
    if (!auth || auth === 'public') return;
    const secret = bearerOf(req);
    if (!secret) {
      throw new AppError(
        'unauthenticated',
        'auth.missing_token',
        'Send Authorization: Bearer <token or API key>',
      );
    }
    if (auth === 'visitor') {
      const claims = await services.visitorTokens.verify(secret);
      req.principal = { kind: 'visitor', ...claims };
      req.tenantId = claims.tenantId;
      return;
    }
    const principal = await services.auth.authenticate(secret);
    if (!can(principal, auth.permission)) {
      throw new AppError(
        'forbidden',
        'auth.forbidden',
        `This action needs the "${auth.permission}" permission`,
      );
    }
    const requested = req.headers['x-kefu-tenant'];
    req.principal = principal;
    req.tenantId = await services.auth.actingTenant(
      principal,
      typeof requested === 'string' ? requested : undefined,
    );
    await services.auth.touchApiKey(principal);
  });
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthenticated', 'auth.missing_token', 'Authentication required');
  return req.principal;
}
