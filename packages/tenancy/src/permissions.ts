import type { Role } from '@kefu/contracts';

export type Permission =
  | 'tenant.read'
  | 'tenant.manage'
  | 'users.read'
  | 'users.manage'
  | 'api_keys.manage'
  | 'audit.read'
  | 'customers.read'
  | 'conversations.read'
  | 'conversations.reply'
  | 'conversations.close'
  | 'messages.inbound'
  /** Ask what the NLU understands of a text (test the bot; integrations). */
  | 'nlu.predict'
  /** Edit the shop's intents, examples, vocabulary and threshold; train and roll back models. */
  | 'nlu.manage';

const everyone: Permission[] = ['tenant.read', 'customers.read', 'conversations.read', 'nlu.predict'];
const handlesChats: Permission[] = [...everyone, 'conversations.reply', 'conversations.close'];

const byRole: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set([
    ...handlesChats,
    'tenant.manage',
    'users.read',
    'users.manage',
    'api_keys.manage',
    'audit.read',
    'nlu.manage',
  ]),
  admin: new Set([
    ...handlesChats,
    'users.read',
    'users.manage',
    'api_keys.manage',
    'audit.read',
    'nlu.manage',
  ]),
  supervisor: new Set([...handlesChats, 'users.read', 'nlu.manage']),
  agent: new Set(handlesChats),
  analyst: new Set([...everyone, 'users.read']),
};

/** What a tenant's API key may do: integrations send and read messages, never manage people. */
const apiKey: ReadonlySet<Permission> = new Set([...handlesChats, 'messages.inbound', 'nlu.predict']);

/** Who is calling: a console user, an integration's API key, or a shopper's widget. */
export type Principal =
  | { kind: 'user'; tenantId: string; userId: string; role: Role }
  | { kind: 'api_key'; tenantId: string; keyId: string }
  | { kind: 'visitor'; tenantId: string; customerId: string; channel: string };

export function can(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'user') return byRole[principal.role].has(permission);
  if (principal.kind === 'api_key') return apiKey.has(permission);
  return false;
}

/** Roles a user may hand out: nobody creates someone more powerful than themselves. */
export function canGrant(granter: Role, role: Role): boolean {
  if (granter === 'owner') return true;
  if (granter === 'admin') return role !== 'owner';
  return false;
}
