import {
  AppError,
  type Conversation,
  type Customer,
  type DomainEvent,
  type Message,
  type MessageContent,
} from '@kefu/contracts';
import { type Database, type EventBus, TenantScope } from '@kefu/platform';
import { type ConversationFilter, ConversationRepository } from './conversation.repository.ts';
import { CustomerRepository } from './customer.repository.ts';
import { CustomerMessageWriter, type StoredCustomerMessage } from './customer-message.writer.ts';
import { MessageRepository } from './message.repository.ts';
import type { Responder, TenantProfile } from './responder.ts';

export interface CustomerMessageInput {
  customerId: string;
  channel: string;
  idempotencyKey: string;
  content: MessageContent;
}

/** A committed shopper message; `conversation` is absent for a retried (duplicate) key. */
export type AcceptedMessage = StoredCustomerMessage;

export interface CustomerMessageResult {
  message: Message;
  conversation: Conversation;
  duplicate: boolean;
  /** Bot replies to this message (the originals again when the message was a duplicate). */
  replies: Message[];
}

/** Who writes as staff: a console user, or an integration through its API key. */
export type StaffSender = { kind: 'user'; userId: string } | { kind: 'api_key'; keyId: string };

export interface ConversationDeps {
  database: Database;
  bus: EventBus;
  responder: Responder;
  tenantProfile(tenantId: string): Promise<TenantProfile>;
  /** Called when an event could not be published after its write committed. */
  onPublishError?(err: unknown, event: DomainEvent): void;
}

/**
 * The conversation use cases. Every write commits before its events are published,
 * so a listener (and the sender's acknowledgement) only ever sees stored messages.
 */
export class ConversationService {
  private readonly writer: CustomerMessageWriter;

  constructor(private readonly deps: ConversationDeps) {
    this.writer = new CustomerMessageWriter(deps.database.db);
  }

  resolveCustomer(tenantId: string, channel: string, externalId: string): Promise<string> {
    return new CustomerRepository(this.scope(tenantId)).resolve(channel, externalId);
  }

  /**
   * A shopper message and the bot's answer to it: what REST callers (the inbound API)
   * wait for. Sockets use `acceptFromCustomer` and `botTurn` to acknowledge first.
   */
  async receiveFromCustomer(tenantId: string, input: CustomerMessageInput): Promise<CustomerMessageResult> {
    const accepted = await this.acceptFromCustomer(tenantId, input);
    if (accepted.duplicate || !accepted.conversation) {
      const conversation = await this.get(tenantId, accepted.message.conversationId);
      const replies = await new MessageRepository(this.scope(tenantId)).repliesTo(accepted.message.id);
      return { message: accepted.message, conversation, duplicate: true, replies };
    }
    const { conversation, replies } = await this.botTurn(tenantId, accepted);
    return { message: accepted.message, conversation, duplicate: false, replies };
  }

  /**
   * Stores a shopper message (group commit) and publishes it. Resolves once it is
   * committed; a retried idempotency key resolves to the original message.
   */
  async acceptFromCustomer(tenantId: string, input: CustomerMessageInput): Promise<AcceptedMessage> {
    const accepted = await this.writer.write({ tenantId, ...input });
    const { conversation, message } = accepted;
    if (!accepted.duplicate && conversation) {
      if (accepted.created) this.publish({ type: 'conversation.created', tenantId, conversation });
      this.publish({ type: 'message.created', tenantId, customerId: input.customerId, message });
    }
    return accepted;
  }

  /**
   * The bot's turn on an accepted message while the conversation is with the bot: its
   * replies are stored as bot messages and a handoff queues the conversation.
   */
  async botTurn(
    tenantId: string,
    accepted: AcceptedMessage,
  ): Promise<{ conversation: Conversation; replies: Message[] }> {
    const { message, conversation } = accepted;
    if (accepted.duplicate || !conversation) throw new Error('botTurn takes a newly accepted message');
    if (conversation.state !== 'bot') return { conversation, replies: [] };
    const tenant = await this.deps.tenantProfile(tenantId);
    const output = await this.deps.responder.respond({
      tenant,
      conversation,
      message,
      isNewConversation: accepted.created,
    });
    if (output.replies.length === 0 && !output.handoff) return { conversation, replies: [] };
    const now = Date.now();
    const result = await this.scope(tenantId).transaction(async (tx) => {
      const messages = new MessageRepository(tx);
      const replies: Message[] = [];
      for (const draft of output.replies) {
        const { message: reply } = await messages.append(
          {
            conversationId: conversation.id,
            sender: 'bot',
            senderId: null,
            content: draft.content,
            idempotencyKey: null,
            intent: draft.intent,
            replyTo: message.id,
          },
          now,
        );
        replies.push(reply);
      }
      const conversations = new ConversationRepository(tx);
      if (replies.length > 0) await conversations.touch(conversation.id, now);
      const moved = output.handoff
        ? await conversations.transition(conversation.id, ['bot'], 'queued', {}, now)
        : undefined;
      return { replies, moved };
    });
    for (const reply of result.replies) {
      this.publish({
        type: 'message.created',
        tenantId,
        customerId: conversation.customerId,
        message: reply,
      });
    }
    if (result.moved) {
      this.publish({ type: 'conversation.state_changed', tenantId, conversation: result.moved, from: 'bot' });
    }
    return { conversation: result.moved ?? conversation, replies: result.replies };
  }

  /** A staff reply; a conversation still with the bot or in the queue is taken over by the replying user. */
  async replyAsStaff(
    tenantId: string,
    sender: StaffSender,
    conversationId: string,
    idempotencyKey: string,
    content: MessageContent,
  ): Promise<{ message: Message; duplicate: boolean }> {
    const senderId = sender.kind === 'user' ? sender.userId : sender.keyId;
    const now = Date.now();
    const out = await this.scope(tenantId).transaction(async (tx) => {
      const messages = new MessageRepository(tx);
      const earlier = await messages.byIdempotencyKey(senderId, idempotencyKey);
      if (earlier && earlier.conversationId !== conversationId) {
        throw new AppError(
          'conflict',
          'message.idempotency_key_reused',
          'This idempotency key was already used for a message in another conversation; use a new key per message',
        );
      }
      if (earlier) return { message: earlier, duplicate: true };
      const conversations = new ConversationRepository(tx);
      // Checks the conversation is open and, on PostgreSQL, locks it until commit in one
      // statement, so a close on another node cannot slip between the check and the write.
      const conversation = await conversations.touchIfOpen(conversationId, now);
      if (!conversation) {
        await this.mustGet(conversations, conversationId);
        throw new AppError(
          'conflict',
          'conversation.closed',
          'The conversation is closed; the customer must write again to reopen one',
        );
      }
      let moved: Conversation | undefined;
      if (conversation.state !== 'with_agent') {
        const assigneeId = sender.kind === 'user' ? sender.userId : null;
        moved = await conversations.transition(
          conversationId,
          ['bot', 'queued'],
          'with_agent',
          { assigneeId },
          now,
        );
      }
      const { message, duplicate } = await messages.append(
        { conversationId, sender: 'agent', senderId, content, idempotencyKey },
        now,
      );
      return { message, duplicate, conversation, moved };
    });
    if (!out.duplicate) {
      const { conversation, moved } = out;
      if (moved && conversation) {
        this.publish({
          type: 'conversation.state_changed',
          tenantId,
          conversation: moved,
          from: conversation.state,
        });
      }
      this.publish({
        type: 'message.created',
        tenantId,
        customerId: conversation!.customerId,
        message: out.message,
      });
    }
    return { message: out.message, duplicate: out.duplicate };
  }

  async close(tenantId: string, conversationId: string): Promise<Conversation> {
    const conversations = new ConversationRepository(this.scope(tenantId));
    const conversation = await this.mustGet(conversations, conversationId);
    if (conversation.state === 'closed') return conversation;
    const closed = await conversations.transition(
      conversationId,
      ['bot', 'queued', 'with_agent'],
      'closed',
      {},
      Date.now(),
    );
    if (!closed) return (await conversations.byId(conversationId))!;
    this.publish({
      type: 'conversation.state_changed',
      tenantId,
      conversation: closed,
      from: conversation.state,
    });
    return closed;
  }

  /** Waits for shopper messages already accepted to be committed; call before closing the store. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  list(tenantId: string, filter: ConversationFilter): Promise<Conversation[]> {
    return new ConversationRepository(this.scope(tenantId)).list(filter);
  }

  async get(tenantId: string, conversationId: string): Promise<Conversation> {
    return this.mustGet(new ConversationRepository(this.scope(tenantId)), conversationId);
  }

  async messages(
    tenantId: string,
    conversationId: string,
    limit: number,
    before?: string,
  ): Promise<Message[]> {
    await this.get(tenantId, conversationId);
    return new MessageRepository(this.scope(tenantId)).page(conversationId, limit, before);
  }

  /** The customer's open conversation, if any (used by the widget to restore history). */
  openConversationOf(tenantId: string, customerId: string): Promise<Conversation | undefined> {
    return new ConversationRepository(this.scope(tenantId)).openFor(customerId);
  }

  async customer(tenantId: string, customerId: string): Promise<Customer> {
    const customer = await new CustomerRepository(this.scope(tenantId)).byId(customerId);
    if (!customer)
      throw new AppError('not_found', 'customer.not_found', `No customer ${customerId} in this tenant`);
    return customer;
  }

  private async mustGet(repo: ConversationRepository, id: string): Promise<Conversation> {
    const conversation = await repo.byId(id);
    if (!conversation)
      throw new AppError('not_found', 'conversation.not_found', `No conversation ${id} in this tenant`);
    return conversation;
  }

  private scope(tenantId: string): TenantScope {
    return new TenantScope(this.deps.database.db, tenantId);
  }

  private publish(event: DomainEvent): void {
    this.deps.bus.publish(event).catch((err: unknown) => this.deps.onPublishError?.(err, event));
  }
}
