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
    }
  | {
      /** A shop's NLU model or threshold changed: every node reloads it for the next message. */
      type: 'nlu.model_changed';
      tenantId: string;
      modelId: string | null;
    };

export type DomainEventType = DomainEvent['type'];
