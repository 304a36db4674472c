import 'reflect-metadata';
import pino from 'pino';
import { adminCreate } from './cli/admin-create';
import { UsageError, type CliCommand, type CliIo } from './cli/cli-command';
import { CONTEXTS } from './modules';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { loggerOptions } from './platform/logging/logger';
import { DomainError, ValidationError } from './shared-kernel';

/**
 * Operator commands, run against the same configuration and database as the server:
 *
 *   npm run cli -- <command> [options]         (from a checkout; builds first)
 *   node dist/src/cli.js <command> [options]   (in the image)
 *
 * Exit codes: 0 done, 64 wrong command line, 65 refused by the rules (the message says
 * why), 77 refused in production without --allow-production, 78 bad configuration, 1 failure.
 */
const COMMANDS: readonly CliCommand[] = [adminCreate];

const USAGE = `Usage: npm run cli -- <command> [options]   (node dist/src/cli.js <command> in the image)

Commands:
  admin:create   create the first administrator (or another staff user), or promote a user

Run a command with --help for its options.`;

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 64 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    return 64;
  }
  try {
    return await command.run(rest, processIo());
  } catch (error) {
    return failure(command, error);
  }
}

function processIo(): CliIo {
  return {
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    promptPassword,
    loadConfig: () => loadConfig(process.env, CONTEXTS),
    // The platform's log lines go to stderr, quiet unless LOG_LEVEL asks: stdout is the command's answer.
    logger: () => pino(loggerOptions(process.env['LOG_LEVEL'] ? (process.env['LOG_LEVEL'] as pino.Level) : 'warn'), pino.destination({ dest: 2, sync: true })),
    contexts: CONTEXTS,
  };
}

function failure(command: CliCommand, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`${command.name}: ${error.message}\n\n${command.usage}\n`);
    return 64;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(error.message + '\n');
    return 78;
  }
  if (error instanceof ValidationError) {
    const fields = (error.details.errors ?? []).map((e) => `  ${e.field}: ${e.message}`).join('\n');
    process.stderr.write(`${command.name}: ${error.message} (${error.code})${fields ? `\n${fields}` : ''}\n`);
    return 65;
  }
  if (error instanceof DomainError) {
    process.stderr.write(`${command.name}: ${error.message} (${error.code})\n`);
    return 65;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(message) ? ' (is the database reachable? check DATABASE_URL)' : '';
  process.stderr.write(`${command.name} failed: ${message}${hint}\n`);
  return 1;
}

/** Reads a password twice from the terminal without echoing it. */
async function promptPassword(): Promise<string> {
  const first = await readHidden('Password for the new account (at least 12 characters; empty: generate one): ');
  if (!first) return '';
  const second = await readHidden('The same password again: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
