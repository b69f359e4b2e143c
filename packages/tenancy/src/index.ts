export { ApiKeysService } from './api-keys.service.ts';
export { AuditRepository, actorOf } from './audit.repository.ts';
export { AuditService } from './audit.service.ts';
export { type AuthOptions, AuthService, type LoginResult } from './auth.service.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { can, canGrant, type Permission, type Principal } from './permissions.ts';
export { type CreateTenantInput, defaultWelcome, TenantsService } from './tenants.service.ts';
export { type CreateUserInput, UsersService } from './users.service.ts';
export { type VisitorClaims, VisitorTokens } from './visitor-tokens.ts';
