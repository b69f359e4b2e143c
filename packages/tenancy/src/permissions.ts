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
  | 'messages.inbound';

const everyone: Permission[] = ['tenant.read', 'customers.read', 'conversations.read'];
const handlesChats: Permission[] = [...everyone, 'conversations.reply', 'conversations.close'];

const byRole: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set([
    ...handlesChats,
    'tenant.manage',
    'users.read',
    'users.manage',
    'api_keys.manage',
    'audit.read',
  ]),
  admin: new Set([...handlesChats, 'users.read', 'users.manage', 'api_keys.manage', 'audit.read']),
  supervisor: new Set([...handlesChats, 'users.read']),
  agent: new Set(handlesChats),
  analyst: new Set([...everyone, 'users.read']),
};

/** What a tenant's API key may do: integrations send and read messages, never manage people. */
const apiKey: ReadonlySet<Permission> = new Set([...handlesChats, 'messages.inbound']);

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
