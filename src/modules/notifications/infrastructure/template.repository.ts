import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import type { Category, Channel } from '../domain/categories';
import type { TemplateDefinition, TemplateText } from '../templates/builtin-templates';

export interface TemplateVersion {
  readonly key: string;
  readonly version: number;
  readonly category: Category;
  readonly channels: readonly Channel[];
}

export interface LocalisedText extends TemplateText {
  readonly locale: string;
}

/** The fallback when a user's locale has no text: the templates are written in English first. */
export const DEFAULT_LOCALE = 'en';

/** Locales to try for `wanted`, most specific first: `de-AT` → de-AT, de, en. */
export function localeCandidates(wanted: string): string[] {
  const tag = wanted.trim() || DEFAULT_LOCALE;
  const candidates = [tag];
  const language = tag.split('-')[0]!.toLowerCase();
  if (language !== tag) candidates.push(language);
  if (!candidates.includes(DEFAULT_LOCALE)) candidates.push(DEFAULT_LOCALE);
  return candidates;
}

/** notifications.templates and template_texts: versioned, the newest active version renders. */
@Injectable()
export class TemplateRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts the shipped templates' versions that are not there yet (every pod at boot; concurrent-safe). */
  async seed(definitions: readonly TemplateDefinition[]): Promise<void> {
    await this.uow.run(async (tx) => {
      for (const d of definitions) {
        const inserted = await tx.query(
          'insert into notifications.templates (key, version, category, channels) values ($1, $2, $3, $4) on conflict do nothing returning key',
          [d.key, d.version, d.category, d.channels],
        );
        if (inserted.rowCount === 0) continue;
        for (const [locale, channels] of Object.entries(d.locales)) {
          for (const [channel, text] of Object.entries(channels)) {
            await tx.query(
              'insert into notifications.template_texts (key, version, locale, channel, subject, html, text) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing',
              [d.key, d.version, locale, channel, text.subject ?? null, text.html ?? null, text.text],
            );
          }
        }
      }
    });
  }

  /** The newest active version of a template, or null for an unknown key. */
  async newest(key: string, sql: Sql = this.uow): Promise<TemplateVersion | null> {
    const { rows } = await sql.query<{ key: string; version: number; category: Category; channels: Channel[] }>(
      'select key, version, category, channels from notifications.templates where key = $1 and active order by version desc limit 1',
      [key],
    );
    return rows[0] ?? null;
  }

  /** The text of a version for a channel in the best locale available (the user's, its language, then en); null when none. */
  async text(template: { key: string; version: number }, channel: Channel, locale: string): Promise<LocalisedText | null> {
    const candidates = localeCandidates(locale);
    const { rows } = await this.uow.query<{ locale: string; subject: string | null; html: string | null; text: string }>(
      'select locale, subject, html, text from notifications.template_texts where key = $1 and version = $2 and channel = $3 and locale = any($4)',
      [template.key, template.version, channel, candidates],
    );
    for (const candidate of candidates) {
      const row = rows.find((r) => r.locale === candidate);
      if (row)
        return {
          locale: row.locale,
          text: row.text,
          ...(row.subject !== null ? { subject: row.subject } : {}),
          ...(row.html !== null ? { html: row.html } : {}),
        };
    }
    return null;
  }
}
