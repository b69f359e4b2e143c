import { randomBytes } from 'node:crypto';
import { AppError, IdempotencyKey, Message, MessageContent } from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { principalOf } from '../auth.ts';
import { errorResponses, Limit } from '../schemas.ts';
import { CustomerMessageResponse, customerMessageResponse } from './inbound.routes.ts';

const VisitorId = z.string().regex(/^v_[A-Za-z0-9_-]{22,64}$/, 'must be a visitorId this API returned');

export function widgetRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const security = [{ visitor: [] }];

  app.post(
    '/api/v1/widget/sessions',
    {
      config: { auth: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['widget'],
        summary: 'Start (or resume) an anonymous shopper session; returns a visitor token',
        description:
          'Public: the web widget calls it from the shop page. Keep `visitorId` to be recognised on return.',
        body: z.object({ tenantId: z.string().min(1).max(64), visitorId: VisitorId.optional() }),
        response: {
          200: z.object({
            token: z.string(),
            expiresAt: z.number(),
            visitorId: z.string(),
            customerId: z.string(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const tenant = await services.tenants.get(req.body.tenantId).catch(() => {
        throw new AppError(
          'not_found',
          'tenant.not_found',
          'No shop with that tenantId; check the widget embed code',
        );
      });
      const visitorId = req.body.visitorId ?? `v_${randomBytes(18).toString('base64url')}`;
      const customerId = await services.conversations.resolveCustomer(tenant.id, 'web', visitorId);
      const { token, expiresAt } = await services.visitorTokens.issue({
        tenantId: tenant.id,
        customerId,
        channel: 'web',
      });
      return { token, expiresAt, visitorId, customerId };
    },
  );

  app.post(
    '/api/v1/visitor/messages',
    {
      config: { auth: 'visitor' },
      schema: {
        tags: ['widget'],
        summary: 'Send a message as the shopper (REST alternative to the customer socket)',
        security,
        body: z.object({ idempotencyKey: IdempotencyKey, message: MessageContent }),
        response: { 200: CustomerMessageResponse, ...errorResponses },
      },
    },
    async (req) => {
      const visitor = principalOf(req);
      if (visitor.kind !== 'visitor')
        throw new AppError('forbidden', 'auth.forbidden', 'A visitor token is required');
      const result = await services.conversations.receiveFromCustomer(req.tenantId, {
        customerId: visitor.customerId,
        channel: visitor.channel,
        idempotencyKey: req.body.idempotencyKey,
        content: req.body.message,
      });
      return customerMessageResponse(result);
    },
  );

  app.get(
    '/api/v1/visitor/messages',
    {
      config: { auth: 'visitor' },
      schema: {
        tags: ['widget'],
        summary: "The shopper's open conversation, newest messages first",
        security,
        querystring: z.object({ limit: Limit, before: z.string().max(64).optional() }),
        response: {
          200: z.object({
            conversationId: z.string().nullable(),
            items: z.array(Message),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const visitor = principalOf(req);
      if (visitor.kind !== 'visitor')
        throw new AppError('forbidden', 'auth.forbidden', 'A visitor token is required');
      const open = await services.conversations.openConversationOf(req.tenantId, visitor.customerId);
      if (!open) return { conversationId: null, items: [], nextCursor: null };
      const items = await services.conversations.messages(
        req.tenantId,
        open.id,
        req.query.limit,
        req.query.before,
      );
      return {
        conversationId: open.id,
        items,
        nextCursor: items.length === req.query.limit ? items[items.length - 1]!.id : null,
      };
    },
  );
}
