import {
  AppError,
  Conversation,
  ConversationState,
  IdempotencyKey,
  Message,
  MessageContent,
} from '@kefu/contracts';
import type { StaffSender } from '@kefu/conversation';
import type { Principal } from '@kefu/tenancy';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { principalOf } from '../auth.ts';
import { decodeCursor, encodeCursor, errorResponses, IdParams, Limit } from '../schemas.ts';

const ListCursor = z.object({ u: z.number(), i: z.string() });

/** Replies come from a console user or an integration's key; the route's permission admits no one else. */
function staffSenderOf(principal: Principal): StaffSender {
  if (principal.kind === 'user') return { kind: 'user', userId: principal.userId };
  if (principal.kind === 'api_key') return { kind: 'api_key', keyId: principal.keyId };
  throw new AppError('forbidden', 'auth.forbidden', 'Only staff and integrations reply to conversations');
}

export function conversationRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];
  const tags = ['conversations'];

  app.get(
    '/api/v1/conversations',
    {
      config: { auth: { permission: 'conversations.read' } },
      schema: {
        tags,
        summary: 'Conversations, most recently active first, with filters',
        security,
        querystring: z.object({
          state: ConversationState.optional(),
          channel: z.string().max(32).optional(),
          assigneeId: z.string().max(64).optional(),
          customerId: z.string().max(64).optional(),
          limit: Limit,
          cursor: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({ items: z.array(Conversation), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { cursor, ...filter } = req.query;
      const decoded = cursor ? decodeCursor(cursor, ListCursor) : undefined;
      const items = await services.conversations.list(req.tenantId, {
        ...filter,
        cursor: decoded && { updatedAt: decoded.u, id: decoded.i },
      });
      const last = items[items.length - 1];
      return {
        items,
        nextCursor:
          last && items.length === filter.limit ? encodeCursor({ u: last.updatedAt, i: last.id }) : null,
      };
    },
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      config: { auth: { permission: 'conversations.read' } },
      schema: {
        tags,
        summary: 'One conversation',
        security,
        params: IdParams,
        response: { 200: Conversation, ...errorResponses },
      },
    },
    async (req) => services.conversations.get(req.tenantId, req.params.id),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { auth: { permission: 'conversations.read' } },
      schema: {
        tags,
        summary: 'Messages of a conversation, newest first; pass nextCursor as `before` for older ones',
        security,
        params: IdParams,
        querystring: z.object({ limit: Limit, before: z.string().max(64).optional() }),
        response: {
          200: z.object({ items: z.array(Message), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const items = await services.conversations.messages(
        req.tenantId,
        req.params.id,
        req.query.limit,
        req.query.before,
      );
      return { items, nextCursor: items.length === req.query.limit ? items[items.length - 1]!.id : null };
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: { auth: { permission: 'conversations.reply' } },
      schema: {
        tags,
        summary: 'Reply as an agent (takes the conversation over from the bot or the queue)',
        security,
        params: IdParams,
        body: z.object({ idempotencyKey: IdempotencyKey, message: MessageContent }),
        response: {
          200: z.object({ message: Message, duplicate: z.boolean() }),
          201: z.object({ message: Message, duplicate: z.boolean() }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const out = await services.conversations.replyAsStaff(
        req.tenantId,
        staffSenderOf(principalOf(req)),
        req.params.id,
        req.body.idempotencyKey,
        req.body.message,
      );
      return reply.status(out.duplicate ? 200 : 201).send(out);
    },
  );

  app.post(
    '/api/v1/conversations/:id/close',
    {
      config: { auth: { permission: 'conversations.close' } },
      schema: {
        tags,
        summary: 'Close a conversation',
        security,
        params: IdParams,
        response: { 200: Conversation, ...errorResponses },
      },
    },
    async (req) => services.conversations.close(req.tenantId, req.params.id),
  );
}
