import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { singleLineText } from '@shared-kernel';
import { EmailAddress } from '@modules/identity/api/dto/fields';
import { CreateStaffUser, STAFF_ROLES, type StaffRole, type StaffUserOutcome } from '@modules/identity/application/create-staff-user/create-staff-user';
import { identityContext } from '@modules/identity/identity.context';
import { Cache } from '@platform/cache/cache';
import type { CliCommand } from './cli-command';
import { UsageError } from './cli-command';
import { runTask } from './task-app';

export const ADMIN_CREATE_USAGE = `Usage: npm run cli -- admin:create --email <address> [options]
       node dist/src/cli.js admin:create --email <address> [options]

Creates a staff user (active, email verified) with the role, or gives the role to the
existing active account of that address. Audited in identity's audit log.

Options:
  --email <address>        the account's email address (required)
  --password-file <file>   read the new account's password from this file (first line);
                           without it a terminal prompts for one, otherwise one is generated
                           and printed once
  --name <name>            the new account's name (default: Administrator)
  --role <role>            ${STAFF_ROLES.join(', ')} (default: admin)
  --allow-production       run although NODE_ENV=production
  --help                   this text

The database is the server's: DATABASE_URL, or without it the embedded PostgreSQL under
EMBEDDED_DATA_DIR (.data), shared with a server running there.`;

/** `admin:create`: the first administrator of a new installation (issue 9). */
export const adminCreate: CliCommand = {
  name: 'admin:create',
  usage: ADMIN_CREATE_USAGE,
  // Parsed before the configuration is loaded, so that refusing production needs nothing else.
  async run(argv, io) {
    const options = parseOptions(argv);
    if (options.help) {
      io.out(ADMIN_CREATE_USAGE);
      return 0;
    }
    if (io.env['NODE_ENV'] === 'production' && !options.allowProduction) {
      io.err(
        'admin:create refuses to run with NODE_ENV=production: it creates a staff account with full rights. ' +
          'If that is what you mean to do, run it again with --allow-production.',
      );
      return 77; // EX_NOPERM
    }
    if (io.env['NODE_ENV'] === 'test' && !(io.env['IDENTITY_PII_KEYS'] && io.env['IDENTITY_BLIND_INDEX_KEY'])) {
      io.err(
        'admin:create: with NODE_ENV=test and no IDENTITY_PII_KEYS / IDENTITY_BLIND_INDEX_KEY the personal-data keys are throwaway ones, ' +
          'so no server could read the account. Set those keys, or use NODE_ENV=development.',
      );
      return 78;
    }
    const config = io.loadConfig();
    const logger = io.logger(config);
    return runTask({ config, contexts: [identityContext], available: io.contexts, logger, say: (line) => io.err(line) }, async (app) => {
      const staff = app.get(CreateStaffUser);
      const existing = await staff.existing(options.email);
      let password: string | undefined;
      let generated = false;
      if (existing) {
        if (options.passwordFile) io.err('The account exists already: it keeps its own password (--password-file is not used).');
      } else if (options.passwordFile) {
        password = readPasswordFile(options.passwordFile);
      } else if (io.interactive) {
        password = await io.promptPassword();
        if (!password) {
          password = generatePassword();
          generated = true;
        }
      } else {
        password = generatePassword();
        generated = true;
      }
      const outcome = await staff.execute({
        email: options.email,
        password,
        name: options.name,
        role: options.role,
        operator: { via: 'cli', uid: safeUid() },
      });
      io.out(report(outcome, options, config.auth.issuer, generated ? password : undefined, app.get(Cache).kind === 'memory'));
      return 0;
    });
  },
};

interface AdminCreateOptions {
  readonly email: string;
  readonly passwordFile?: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly allowProduction: boolean;
  readonly help: boolean;
}

function parseOptions(argv: readonly string[]): AdminCreateOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        email: { type: 'string' },
        'password-file': { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        'allow-production': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.help) return { email: '', name: '', role: 'admin', allowProduction: false, help: true };
  if (parsed.email === undefined) throw new UsageError('--email is required');
  const email = EmailAddress.safeParse(parsed.email.trim());
  if (!email.success) throw new UsageError(`--email ${JSON.stringify(parsed.email)} is not an email address`);
  const name = singleLineText(1, 200).safeParse(parsed.name ?? 'Administrator');
  if (!name.success) throw new UsageError('--name must be 1 to 200 characters on one line');
  const role = parsed.role ?? 'admin';
  if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  return {
    email: email.data,
    ...(parsed['password-file'] !== undefined ? { passwordFile: parsed['password-file'] } : {}),
    name: name.data,
    role: role as StaffRole,
    allowProduction: parsed['allow-production'] ?? false,
    help: false,
  };
}

function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (!password) throw new UsageError(`--password-file ${file} is empty`);
  return password;
}

/** 144 random bits, URL-safe: 24 characters, far beyond the policy's 12 and in no list of common passwords. */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function safeUid(): number | null {
  try {
    return userInfo().uid;
  } catch {
    return null;
  }
}

function report(
  outcome: StaffUserOutcome,
  options: AdminCreateOptions,
  base: string,
  generatedPassword: string | undefined,
  sessionsInProcess: boolean,
): string {
  const roles = outcome.roles.join(', ');
  const lines: string[] = [];
  if (outcome.outcome === 'created')
    lines.push(`Created ${options.role} ${options.email} (user ${outcome.userId}, roles: ${roles}); the address counts as verified.`);
  else if (outcome.outcome === 'promoted')
    lines.push(`Gave the ${options.role} role to ${options.email} (user ${outcome.userId}); roles were ${outcome.previousRoles.join(', ')}, now ${roles}.`);
  else lines.push(`${options.email} (user ${outcome.userId}) already has the ${options.role} role (roles: ${roles}); nothing changed.`);
  if (generatedPassword) lines.push('', `Generated password (shown once, keep it somewhere safe): ${generatedPassword}`);
  if (outcome.outcome === 'promoted' && sessionsInProcess) lines.push('', 'Sessions the user already has keep their old roles until the user signs in again.');
  lines.push(
    '',
    'Next:',
    '  1. Sign in; the answer holds an access token (tokens.access_token):',
    `       curl -s ${base}/v1/auth/login -H 'content-type: application/json' \\`,
    `         -d '{"email":"${options.email}","password":"<the password>"}'`,
    '  2. Call the staff routes with "Authorization: Bearer <access token>", for example:',
    `       curl -s ${base}/v1/admin/users/${outcome.userId} -H "authorization: Bearer $TOKEN"`,
    `       GET ${base}/v1/admin/accounts?ownerId=<user id>    a user's accounts`,
    `       GET ${base}/v1/audit-log                        the security audit log (this change is in it)`,
    '     Changes under /v1/admin (roles, status, overdrafts) also need a recent second factor:',
    '     enrol an authenticator app (POST /v1/mfa/totp, then POST /v1/mfa/totp/confirm) and',
    '     step up (POST /v1/mfa/step-up) shortly before such a call.',
    `  3. Every route, with its schemas: ${base}/docs (tag "admin" for staff operations).`,
  );
  return lines.join('\n');
}
