import type { Conversation, ConversationState, Message } from './conversation.ts';

/**
 * Domain events travel over the event bus (in-process or Redis). Listeners — the
 * realtime push, and later analytics, quality and webhooks — react to them, so the
 * service that writes never needs to know who is listening or on which node.
 */
export type DomainEvent =
  | {
      type: 'message.created';
      tenantId: string;
      customerId: string;
      message: Message;
    }
  | {
      type: 'conversation.created';
      tenantId: string;
      conversation: Conversation;
    }
  | {
      type: 'conversation.state_changed';
      tenantId: string;
      conversation: Conversation;
      from: ConversationState;
    };

export type DomainEventType = DomainEvent['type'];
