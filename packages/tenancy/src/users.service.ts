import { AppError, type Role, type User } from '@kefu/contracts';
import { type Database, isUniqueViolation, newId, TenantScope } from '@kefu/platform';
import { AuditRepository, actorOf } from './audit.repository.ts';
import type { AuthService } from './auth.service.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { canGrant, type Principal } from './permissions.ts';
import { hashSecret } from './tokens.ts';
import { UserRepository } from './user.repository.ts';

const emailTaken = (email: string) =>
  new AppError('conflict', 'user.email_taken', `A user with e-mail ${email} already exists`);

export interface CreateUserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
}

export class UsersService {
  constructor(
    private readonly database: Database,
    private readonly auth: AuthService,
  ) {}

  /** `actor` null means the operator at the CLI, who may create any role. */
  async create(tenantId: string, actor: Principal | null, input: CreateUserInput): Promise<User> {
    if (actor?.kind === 'user' && !canGrant(actor.role, input.role)) {
      throw new AppError(
        'forbidden',
        'user.role_not_grantable',
        `A ${actor.role} cannot create a user with role ${input.role}`,
      );
    }
    const email = input.email.trim().toLowerCase();
    const taken = await this.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (taken) throw emailTaken(email);
    const now = Date.now();
    const id = newId();
    const passwordHash = await hashPassword(input.password);
    try {
      await new TenantScope(this.database.db, tenantId).transaction(async (tx) => {
        await new UserRepository(tx).insert({
          id,
          email,
          name: input.name.trim() || email,
          role: input.role,
          password_hash: passwordHash,
          created_at: now,
          updated_at: now,
        });
        await new AuditRepository(tx).record(actorOf(actor), {
          action: 'user.created',
          targetType: 'user',
          targetId: id,
          details: { email, role: input.role },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken(email);
      throw err;
    }
    return (await new UserRepository(new TenantScope(this.database.db, tenantId)).byId(id))!;
  }

  /**
   * Sets a new password and ends every other session of that user (all of them when
   * `keepSession` is absent, as after an operator's reset). A user changing their own
   * password proves the current one.
   */
  async changePassword(
    tenantId: string,
    actor: Principal | null,
    userId: string,
    change: { current?: string; next: string; keepSession?: string },
  ): Promise<void> {
    const scope = new TenantScope(this.database.db, tenantId);
    const row = await scope
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'user.not_found', `No user ${userId} in this tenant`);
    if (change.current !== undefined && !(await verifyPassword(change.current, row.password_hash))) {
      throw new AppError('forbidden', 'user.wrong_password', 'The current password is wrong');
    }
    const passwordHash = await hashPassword(change.next);
    const keep = change.keepSession ? hashSecret(change.keepSession) : null;
    const ended = await scope.transaction(async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: Date.now() })
        .where('id', '=', userId)
        .execute();
      let sessions = tx.deleteFrom('sessions').where('user_id', '=', userId);
      if (keep) sessions = sessions.where('token_hash', '!=', keep);
      const removed = await sessions.returning('token_hash').execute();
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'user.password_changed',
        targetType: 'user',
        targetId: userId,
        details: { sessionsEnded: removed.length },
      });
      return removed.map((r) => r.token_hash);
    });
    await this.auth.forget(ended);
  }

  async get(tenantId: string, userId: string): Promise<User> {
    const user = await new UserRepository(new TenantScope(this.database.db, tenantId)).byId(userId);
    if (!user) throw new AppError('not_found', 'user.not_found', `No user ${userId} in this tenant`);
    return user;
  }

  list(tenantId: string): Promise<User[]> {
    return new UserRepository(new TenantScope(this.database.db, tenantId)).list();
  }

  async changeRole(tenantId: string, actor: Principal, userId: string, role: Role): Promise<User> {
    const scope = new TenantScope(this.database.db, tenantId);
    const target = await new UserRepository(scope).byId(userId);
    if (!target) throw new AppError('not_found', 'user.not_found', `No user ${userId} in this tenant`);
    if (actor.kind !== 'user' || !canGrant(actor.role, role) || !canGrant(actor.role, target.role)) {
      throw new AppError(
        'forbidden',
        'user.role_not_grantable',
        `You cannot change a ${target.role} to ${role}`,
      );
    }
    if (target.role === role) return target;
    await scope.transaction(async (tx) => {
      const users = new UserRepository(tx);
      await users.setRole(userId, role, Date.now());
      if (target.role === 'owner' && (await users.countOwners()) === 0) {
        throw new AppError('conflict', 'user.last_owner', 'A tenant must keep at least one owner');
      }
      await new AuditRepository(tx).record(actorOf(actor), {
        action: 'user.role_changed',
        targetType: 'user',
        targetId: userId,
        details: { from: target.role, to: role },
      });
    });
    // Sessions of that user must see the new role at once, not after the principal cache expires.
    const sessions = await scope
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', userId)
      .execute();
    await this.auth.forget(sessions.map((s) => s.token_hash));
    return { ...target, role };
  }
}
