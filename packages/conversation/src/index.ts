export type { ConversationFilter } from './conversation.repository.ts';
export {
  type AcceptedMessage,
  type ConversationDeps,
  ConversationService,
  type CustomerMessageInput,
  type CustomerMessageResult,
  type StaffSender,
} from './conversation.service.ts';
export {
  type BotReplyDraft,
  type Responder,
  type ResponderInput,
  type ResponderOutput,
  type TenantProfile,
  WelcomeResponder,
} from './responder.ts';
