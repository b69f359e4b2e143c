import type { Conversation, Message, MessageContent } from '@kefu/contracts';

export interface TenantProfile {
  id: string;
  name: string;
  welcomeMessage: string;
}

export interface ResponderInput {
  tenant: TenantProfile;
  conversation: Conversation;
  message: Message;
  /** True for the first customer message of a new conversation. */
  isNewConversation: boolean;
}

export interface BotReplyDraft {
  content: MessageContent;
  /** The intent this reply answers, when it answers one. */
  intent: string | null;
}

export interface ResponderOutput {
  replies: BotReplyDraft[];
  /** Set when the conversation should leave the bot and wait for a human. */
  handoff?: { reason: string };
}

/**
 * The bot hook: called for every customer message while a conversation is in bot
 * state. The engine issues plug the real NLU and dialogue in behind this port.
 */
export interface Responder {
  respond(input: ResponderInput): Promise<ResponderOutput>;
}

const HUMAN_REQUEST = /转人工|人工|找客服|真人|客服在吗/;

/**
 * Placeholder bot until the engine lands: greets a new conversation with the shop's
 * welcome message and queues the conversation for a human when the shopper asks for one.
 */
export class WelcomeResponder implements Responder {
  async respond({ tenant, message, isNewConversation }: ResponderInput): Promise<ResponderOutput> {
    const replies: BotReplyDraft[] = [];
    const wantsHuman = HUMAN_REQUEST.test(message.text);
    if (isNewConversation && !wantsHuman) {
      replies.push({ content: { type: 'text', text: tenant.welcomeMessage }, intent: null });
    }
    if (wantsHuman) {
      replies.push({
        content: { type: 'text', text: '好的，正在为您转接人工客服，请稍候～' },
        intent: 'chat.human',
      });
      return { replies, handoff: { reason: 'customer_request' } };
    }
    return { replies };
  }
}
