import type { Logger } from 'pino';
import type { AppConfig } from '@platform/config/app-config';
import type { ContextManifest } from '@platform/context-definition';

/** What a command may use of its surroundings (the process, or a test's stand-ins for it). */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A terminal on stdin and stderr: the command may prompt. */
  readonly interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Asks for a password twice without echoing it; '' means "generate one". */
  promptPassword(): Promise<string>;
  loadConfig(): AppConfig;
  logger(config: AppConfig): Logger;
  readonly contexts: readonly ContextManifest[];
}

export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  /** Resolves to the process's exit code. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** A command line that cannot be run as written (exit code 64, EX_USAGE, with the usage). */
export class UsageError extends Error {}
