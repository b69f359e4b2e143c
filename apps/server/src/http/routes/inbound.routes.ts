import {
  BotReply,
  ChannelName,
  ConversationState,
  IdempotencyKey,
  MAX_TEXT_LENGTH,
  type Message,
} from '@kefu/contracts';
import type { CustomerMessageResult } from '@kefu/conversation';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { errorResponses } from '../schemas.ts';

export const CustomerMessageResponse = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  duplicate: z.boolean(),
  state: ConversationState,
  replies: z.array(BotReply),
  handoff: z.object({ state: ConversationState }).nullable(),
});

const toReply = (m: Message) => ({
  messageId: m.id,
  type: m.type,
  text: m.text,
  payload: m.payload,
  intent: m.intent,
});

/** The shape both the inbound API and the widget's REST fallback answer with. */
export function customerMessageResponse(r: CustomerMessageResult): z.infer<typeof CustomerMessageResponse> {
  const state = r.conversation.state;
  return {
    conversationId: r.conversation.id,
    messageId: r.message.id,
    duplicate: r.duplicate,
    state,
    replies: r.replies.map(toReply),
    handoff: state === 'queued' || state === 'with_agent' ? { state } : null,
  };
}

export function inboundRoutes(fastify: FastifyInstance, services: Services): void {
  fastify.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/inbound',
    {
      config: { auth: { permission: 'messages.inbound' } },
      schema: {
        tags: ['inbound'],
        summary: 'Send a shopper message from your own system and get the bot replies in the answer',
        description: 'Authenticate with a tenant API key. `customerId` is your own id for the shopper.',
        security: [{ bearer: [] }],
        body: z.object({
          channel: ChannelName,
          customerId: z.string().min(1).max(128),
          text: z
            .string()
            .max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`)
            .refine((t) => t.trim() !== '', 'text must not be empty'),
          idempotencyKey: IdempotencyKey,
        }),
        response: { 200: CustomerMessageResponse, ...errorResponses },
      },
    },
    async (req) => {
      const { channel, customerId: externalId, text, idempotencyKey } = req.body;
      const customerId = await services.conversations.resolveCustomer(req.tenantId, channel, externalId);
      const result = await services.conversations.receiveFromCustomer(req.tenantId, {
        customerId,
        channel,
        idempotencyKey,
        content: { type: 'text', text },
      });
      return customerMessageResponse(result);
    },
  );
}
