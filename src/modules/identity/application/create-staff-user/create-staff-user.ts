import { Injectable } from '@nestjs/common';
import { ConflictError, newId, UnprocessableError } from '@shared-kernel';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { pgCode, UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { UserRegistered, UserRolesChanged, UserVerified } from '@modules/identity/contract';
import { canonicalEmail } from '@modules/identity/domain/email-address';
import { mayBecomeStaff, type UserStatus } from '@modules/identity/domain/user-status';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { PasswordHasher } from '@modules/identity/infrastructure/password-hasher';
import { PasswordRules } from '@modules/identity/infrastructure/password-rules';
import { UserRecords, type UserRow } from '@modules/identity/infrastructure/user-records';

/** Roles an operator may give from the command line (customers sign up themselves). */
export const STAFF_ROLES = ['admin', 'support', 'compliance_officer'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserRequest {
  readonly email: string;
  /** Needed when the account does not exist yet; an existing account keeps its own. */
  readonly password?: string;
  readonly name: string;
  readonly role: StaffRole;
  /** Who runs the command, for the audit log: ids only (the OS uid), never a name. */
  readonly operator: { readonly via: 'cli'; readonly uid: number | null };
}

export type StaffUserOutcome =
  | { readonly outcome: 'created'; readonly userId: string; readonly roles: Role[] }
  | { readonly outcome: 'promoted'; readonly userId: string; readonly roles: Role[]; readonly previousRoles: Role[] }
  | { readonly outcome: 'unchanged'; readonly userId: string; readonly roles: Role[] };

/** The event's `by` for changes made by an operator on the command line rather than by a user. */
const BY_OPERATOR = 'cli';

/**
 * The first administrator (and any staff member an operator sets up by hand): creates a
 * verified account with the role, or gives the role to an existing active account. There is
 * no other way to the first staff user, since every /v1/admin route needs one. The operator
 * vouches for the address, so a new account is active at once; an existing account must
 * have verified its own address (a pending one may be anyone's sign-up with it). Audited in
 * the same transaction as the change; the events are those of a sign-up, a verification and
 * a role change, so other contexts see such a user like any other.
 */
@Injectable()
export class CreateStaffUser {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly hasher: PasswordHasher,
    private readonly rules: PasswordRules,
    private readonly sessions: SessionStore,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  /** The account the address names, if any (so the caller knows whether a password is needed). */
  async existing(email: string): Promise<{ readonly userId: string; readonly status: UserStatus; readonly roles: Role[] } | null> {
    const user = await this.users.byEmail(this.uow, email);
    return user ? { userId: user.id, status: user.status, roles: user.roles } : null;
  }

  async execute(request: StaffUserRequest): Promise<StaffUserOutcome> {
    const found = await this.users.byEmail(this.uow, request.email);
    const outcome = found ? await this.promote(found.id, request) : await this.create(request);
    // Live sessions of a promoted user get the role at once where sessions are shared (Redis).
    if (outcome.outcome === 'promoted') await this.sessions.updateRoles(outcome.userId, outcome.roles);
    return outcome;
  }

  private async create(request: StaffUserRequest): Promise<StaffUserOutcome> {
    if (request.password === undefined) throw new UnprocessableError('PASSWORD_REQUIRED', 'A new account needs a password');
    this.rules.assertAcceptable(request.password, [request.email, request.name]);
    // Hashing happens outside the transaction: no connection is held for its ~50 ms.
    const passwordHash = await this.hasher.hash(request.password);
    const roles: Role[] = [request.role];
    try {
      return await this.uow.run(async (tx) => {
        if (await this.users.byEmail(tx, request.email)) throw registeredMeanwhile();
        const id = newId();
        const now = new Date().toISOString();
        await this.users.insert(tx, { id, personal: { email: canonicalEmail(request.email), name: request.name.trim() }, passwordHash, locale: 'en' });
        await this.users.activateVerified(tx, id);
        await this.users.setRoles(tx, id, roles);
        await this.outbox.append(tx, 'identity', [
          UserRegistered(id, { userId: id, registeredAt: now }),
          UserVerified(id, { userId: id, verifiedAt: now }),
          UserRolesChanged(id, { userId: id, roles, by: BY_OPERATOR }),
        ]);
        await this.audit.append(tx, { type: 'user.staff_created', actorId: null, subjectId: id, ip: null, details: { ...request.operator, roles } });
        return { outcome: 'created' as const, userId: id, roles };
      });
    } catch (error) {
      if (pgCode(error) === '23505') throw registeredMeanwhile();
      throw error;
    }
  }

  private promote(userId: string, request: StaffUserRequest): Promise<StaffUserOutcome> {
    return this.uow.run(async (tx: Tx) => {
      const user: UserRow | null = await this.users.byId(tx, userId, true);
      if (!user) throw registeredMeanwhile();
      if (!mayBecomeStaff(user.status)) throw notPromotable(user.status);
      if (user.roles.includes(request.role)) return { outcome: 'unchanged' as const, userId, roles: user.roles };
      const roles = [...new Set<Role>([...user.roles, request.role])].sort();
      await this.users.setRoles(tx, userId, roles);
      await this.outbox.append(tx, 'identity', [UserRolesChanged(userId, { userId, roles, by: BY_OPERATOR })]);
      await this.audit.append(tx, {
        type: 'user.roles_changed',
        actorId: null,
        subjectId: userId,
        ip: null,
        details: { ...request.operator, from: user.roles, to: roles },
      });
      return { outcome: 'promoted' as const, userId, roles, previousRoles: user.roles };
    });
  }
}

const registeredMeanwhile = () => new ConflictError('USER_CHANGED_MEANWHILE', 'The account changed while the command ran; run it again');

function notPromotable(status: UserStatus): UnprocessableError {
  switch (status) {
    case 'pending':
      return new UnprocessableError(
        'ACCOUNT_NOT_VERIFIED',
        'This address signed up but never verified it: verify it first (the link in the mailbox), then run the command again',
      );
    case 'closed':
      return new UnprocessableError('USER_CLOSED', 'This account is closed; choose another address');
    case 'locked':
    case 'disabled':
      return new UnprocessableError('ACCOUNT_NOT_ACTIVE', `This account is ${status}: reactivate it first (PUT /v1/admin/users/{id}/status)`);
    case 'active':
      throw new Error('an active account may become staff');
  }
}
