import { z } from 'zod';

export const roles = ['owner', 'admin', 'supervisor', 'agent', 'analyst'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const Email = z.string().trim().toLowerCase().email('must be an e-mail address').max(254);
export const Password = z.string().min(8, 'must be at least 8 characters').max(200);

export const User = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.number().int(),
});
export type User = z.infer<typeof User>;

export const Tenant = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  welcomeMessage: z.string(),
  createdAt: z.number().int(),
});
export type Tenant = z.infer<typeof Tenant>;

export const ApiKeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const AuditEntry = z.object({
  id: z.string(),
  actorType: z.enum(['user', 'api_key', 'system']),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
