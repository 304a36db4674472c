import type { Category, Channel } from '../domain/categories';

/*
 * The templates the platform ships, seeded into notifications.templates at boot (insert if
 * absent, by key, locale, channel and version). The newest active version of a template is
 * what renders; a message records the version it used. To change a shipped text, add it
 * under a higher version here (or insert a row): the old version stays, so a message's
 * history can always say what was sent.
 *
 * Liquid, strict: an unknown variable or filter fails the render (recorded, never a blank
 * message). Variables: `name`, `locale`, `timeZone`, `link` (identity's token links) and the
 * event's fields; filters `money: currency` and `datetime`.
 */

export interface TemplateText {
  /** Email subject, push or in-app title. */
  readonly subject?: string;
  /** Email only: the HTML part (output escaped). */
  readonly html?: string;
  /** The plain-text part of an email, the SMS text, the push or in-app body. */
  readonly text: string;
}

export interface TemplateDefinition {
  readonly key: string;
  readonly version: number;
  readonly category: Category;
  /** The channels a message of this template goes out on (preferences may mute some). */
  readonly channels: readonly Channel[];
  readonly locales: Readonly<Record<string, Readonly<Partial<Record<Channel, TemplateText>>>>>;
}

const layout = (body: string) =>
  `<!doctype html><html><body style="font-family:sans-serif;max-width:560px;margin:auto">${body}<p style="color:#888;font-size:12px">Skyro</p></body></html>`;

/** A payments event's message to the payment's owner: transactional, push and in-app (the in-app text may say more). */
function paymentTemplate(key: string, locales: Readonly<Record<'en' | 'de', { subject: string; text: string; inApp?: string }>>): TemplateDefinition {
  return {
    key,
    version: 1,
    category: 'transactional',
    channels: ['push', 'in_app'],
    locales: Object.fromEntries(
      Object.entries(locales).map(([locale, t]) => [
        locale,
        { push: { subject: t.subject, text: t.text }, in_app: { subject: t.subject, text: t.inApp ?? t.text } },
      ]),
    ),
  };
}

export const BUILTIN_TEMPLATES: readonly TemplateDefinition[] = [
  {
    key: 'verify-email',
    version: 1,
    category: 'security',
    channels: ['email'],
    locales: {
      en: {
        email: {
          subject: 'Confirm your email address',
          html: layout(
            '<p>Hello {{ name }},</p><p>Please confirm your email address to finish signing up:</p><p><a href="{{ link }}">Confirm my email address</a></p><p>If you did not sign up, ignore this message.</p>',
          ),
          text: 'Hello {{ name }},\n\nPlease confirm your email address to finish signing up:\n{{ link }}\n\nIf you did not sign up, ignore this message.',
        },
      },
      de: {
        email: {
          subject: 'Bestätige deine E-Mail-Adresse',
          html: layout(
            '<p>Hallo {{ name }},</p><p>bitte bestätige deine E-Mail-Adresse, um die Registrierung abzuschließen:</p><p><a href="{{ link }}">E-Mail-Adresse bestätigen</a></p><p>Wenn du dich nicht registriert hast, ignoriere diese Nachricht.</p>',
          ),
          text: 'Hallo {{ name }},\n\nbitte bestätige deine E-Mail-Adresse, um die Registrierung abzuschließen:\n{{ link }}\n\nWenn du dich nicht registriert hast, ignoriere diese Nachricht.',
        },
      },
    },
  },
  {
    key: 'password-reset',
    version: 1,
    category: 'security',
    channels: ['email'],
    locales: {
      en: {
        email: {
          subject: 'Reset your password',
          html: layout(
            '<p>Hello {{ name }},</p><p>Someone asked to reset your password. If it was you, choose a new one here:</p><p><a href="{{ link }}">Reset my password</a></p><p>Otherwise ignore this message; your password stays as it is.</p>',
          ),
          text: 'Hello {{ name }},\n\nSomeone asked to reset your password. If it was you, choose a new one here:\n{{ link }}\n\nOtherwise ignore this message; your password stays as it is.',
        },
      },
      de: {
        email: {
          subject: 'Setze dein Passwort zurück',
          html: layout(
            '<p>Hallo {{ name }},</p><p>jemand möchte dein Passwort zurücksetzen. Wenn du das warst, wähle hier ein neues:</p><p><a href="{{ link }}">Passwort zurücksetzen</a></p><p>Sonst ignoriere diese Nachricht; dein Passwort bleibt unverändert.</p>',
          ),
          text: 'Hallo {{ name }},\n\njemand möchte dein Passwort zurücksetzen. Wenn du das warst, wähle hier ein neues:\n{{ link }}\n\nSonst ignoriere diese Nachricht; dein Passwort bleibt unverändert.',
        },
      },
    },
  },
  {
    key: 'account-exists',
    version: 1,
    category: 'security',
    channels: ['email'],
    locales: {
      en: {
        email: {
          subject: 'You already have an account',
          html: layout(
            '<p>Hello {{ name }},</p><p>Someone tried to sign up with your email address, which already has an account. If it was you, sign in instead, or reset your password.</p>',
          ),
          text: 'Hello {{ name }},\n\nSomeone tried to sign up with your email address, which already has an account. If it was you, sign in instead, or reset your password.',
        },
      },
      de: {
        email: {
          subject: 'Du hast bereits ein Konto',
          html: layout(
            '<p>Hallo {{ name }},</p><p>jemand wollte sich mit deiner E-Mail-Adresse registrieren, für die es schon ein Konto gibt. Wenn du das warst, melde dich an oder setze dein Passwort zurück.</p>',
          ),
          text: 'Hallo {{ name }},\n\njemand wollte sich mit deiner E-Mail-Adresse registrieren, für die es schon ein Konto gibt. Wenn du das warst, melde dich an oder setze dein Passwort zurück.',
        },
      },
    },
  },
  {
    key: 'password-changed',
    version: 1,
    category: 'security',
    channels: ['email'],
    locales: {
      en: {
        email: {
          subject: 'Your password was changed',
          html: layout('<p>Hello {{ name }},</p><p>Your password was just changed. If this was not you, reset your password now and contact support.</p>'),
          text: 'Hello {{ name }},\n\nYour password was just changed. If this was not you, reset your password now and contact support.',
        },
      },
      de: {
        email: {
          subject: 'Dein Passwort wurde geändert',
          html: layout(
            '<p>Hallo {{ name }},</p><p>dein Passwort wurde gerade geändert. Wenn du das nicht warst, setze es sofort zurück und wende dich an den Support.</p>',
          ),
          text: 'Hallo {{ name }},\n\ndein Passwort wurde gerade geändert. Wenn du das nicht warst, setze es sofort zurück und wende dich an den Support.',
        },
      },
    },
  },
  {
    key: 'balance-changed',
    version: 1,
    category: 'transactional',
    channels: ['in_app', 'push'],
    locales: {
      en: {
        in_app: { subject: 'Balance updated', text: 'Your balance is now {{ balance | money: currency }} ({{ asOf | datetime }}).' },
        push: { subject: 'Balance updated', text: 'Your balance is now {{ balance | money: currency }}.' },
        sms: { text: 'Skyro: your balance is now {{ balance | money: currency }}.' },
        email: {
          subject: 'Your balance changed',
          html: layout('<p>Hello {{ name }},</p><p>Your balance is now <b>{{ balance | money: currency }}</b> ({{ asOf | datetime }}).</p>'),
          text: 'Hello {{ name }},\n\nYour balance is now {{ balance | money: currency }} ({{ asOf | datetime }}).',
        },
      },
      de: {
        in_app: { subject: 'Kontostand aktualisiert', text: 'Dein Kontostand beträgt jetzt {{ balance | money: currency }} ({{ asOf | datetime }}).' },
        push: { subject: 'Kontostand aktualisiert', text: 'Dein Kontostand beträgt jetzt {{ balance | money: currency }}.' },
        sms: { text: 'Skyro: Dein Kontostand beträgt jetzt {{ balance | money: currency }}.' },
        email: {
          subject: 'Dein Kontostand hat sich geändert',
          html: layout('<p>Hallo {{ name }},</p><p>dein Kontostand beträgt jetzt <b>{{ balance | money: currency }}</b> ({{ asOf | datetime }}).</p>'),
          text: 'Hallo {{ name }},\n\ndein Kontostand beträgt jetzt {{ balance | money: currency }} ({{ asOf | datetime }}).',
        },
      },
    },
  },
  {
    key: 'statement-issued',
    version: 1,
    category: 'legal',
    channels: ['email', 'in_app'],
    locales: {
      en: {
        email: {
          subject: 'Your statement is ready',
          html: layout(
            '<p>Hello {{ name }},</p><p>Your statement for {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} is ready in the app.</p>',
          ),
          text: 'Hello {{ name }},\n\nYour statement for {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} is ready in the app.',
        },
        in_app: { subject: 'Statement ready', text: 'Your statement for {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} is ready.' },
      },
      de: {
        email: {
          subject: 'Dein Kontoauszug ist da',
          html: layout(
            '<p>Hallo {{ name }},</p><p>dein Kontoauszug für {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} liegt in der App bereit.</p>',
          ),
          text: 'Hallo {{ name }},\n\ndein Kontoauszug für {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} liegt in der App bereit.',
        },
        in_app: {
          subject: 'Kontoauszug bereit',
          text: 'Dein Kontoauszug für {{ periodFrom | datetime: "date" }} – {{ periodTo | datetime: "date" }} liegt bereit.',
        },
      },
    },
  },
  {
    key: 'interest-capitalised',
    version: 1,
    category: 'transactional',
    channels: ['in_app'],
    locales: {
      en: { in_app: { subject: 'Interest paid', text: 'We paid {{ amount | money: currency }} interest into your account ({{ period }}).' } },
      de: { in_app: { subject: 'Zinsen gutgeschrieben', text: 'Wir haben dir {{ amount | money: currency }} Zinsen gutgeschrieben ({{ period }}).' } },
    },
  },
  {
    key: 'account-closed',
    version: 1,
    category: 'legal',
    channels: ['email', 'in_app'],
    locales: {
      en: {
        email: {
          subject: 'Your account was closed',
          html: layout(
            '<p>Hello {{ name }},</p><p>Your {{ currency }} account was closed on {{ closedAt | datetime }}.{% if sweptAmount != "0" %} We moved the remaining {{ sweptAmount | money: currency }} to your other account.{% endif %}</p>',
          ),
          text: 'Hello {{ name }},\n\nYour {{ currency }} account was closed on {{ closedAt | datetime }}.{% if sweptAmount != "0" %} We moved the remaining {{ sweptAmount | money: currency }} to your other account.{% endif %}',
        },
        in_app: { subject: 'Account closed', text: 'Your {{ currency }} account was closed on {{ closedAt | datetime }}.' },
      },
      de: {
        email: {
          subject: 'Dein Konto wurde geschlossen',
          html: layout(
            '<p>Hallo {{ name }},</p><p>dein {{ currency }}-Konto wurde am {{ closedAt | datetime }} geschlossen.{% if sweptAmount != "0" %} Das Restguthaben von {{ sweptAmount | money: currency }} haben wir auf dein anderes Konto übertragen.{% endif %}</p>',
          ),
          text: 'Hallo {{ name }},\n\ndein {{ currency }}-Konto wurde am {{ closedAt | datetime }} geschlossen.{% if sweptAmount != "0" %} Das Restguthaben von {{ sweptAmount | money: currency }} haben wir auf dein anderes Konto übertragen.{% endif %}',
        },
        in_app: { subject: 'Konto geschlossen', text: 'Dein {{ currency }}-Konto wurde am {{ closedAt | datetime }} geschlossen.' },
      },
    },
  },
  paymentTemplate('payment-failed', {
    en: { subject: 'Payment failed', text: 'Your payment of {{ amount | money: currency }} did not go through. No money moved.' },
    de: { subject: 'Zahlung fehlgeschlagen', text: 'Deine Zahlung über {{ amount | money: currency }} ist nicht durchgegangen. Es wurde kein Geld bewegt.' },
  }),
  paymentTemplate('payment-returned', {
    en: {
      subject: 'Payment returned',
      text: 'The receiving bank returned your payment of {{ amount | money: currency }}. The money is back in your account.',
      inApp:
        'The receiving bank returned your payment of {{ amount | money: currency }}. The money is back in your account{% if fee != "0" %}; the fee of {{ fee | money: currency }} stays charged{% endif %}.',
    },
    de: {
      subject: 'Zahlung zurückgekommen',
      text: 'Die Empfängerbank hat deine Zahlung über {{ amount | money: currency }} zurückgeschickt. Das Geld ist wieder auf deinem Konto.',
      inApp:
        'Die Empfängerbank hat deine Zahlung über {{ amount | money: currency }} zurückgeschickt. Das Geld ist wieder auf deinem Konto{% if fee != "0" %}; die Gebühr von {{ fee | money: currency }} bleibt berechnet{% endif %}.',
    },
  }),
  paymentTemplate('payment-refunded', {
    en: { subject: 'Refund done', text: 'We refunded {{ refundedAmount | money: currency }} of your {{ amount | money: currency }} payment.' },
    de: {
      subject: 'Erstattung erfolgt',
      text: 'Wir haben {{ refundedAmount | money: currency }} deiner Zahlung über {{ amount | money: currency }} erstattet.',
    },
  }),
  {
    key: 'product-news',
    version: 1,
    category: 'marketing',
    channels: ['email', 'in_app'],
    locales: {
      en: {
        email: { subject: '{{ headline }}', html: layout('<p>Hello {{ name }},</p><p>{{ body }}</p>'), text: 'Hello {{ name }},\n\n{{ body }}' },
        in_app: { subject: '{{ headline }}', text: '{{ body }}' },
      },
      de: {
        email: { subject: '{{ headline }}', html: layout('<p>Hallo {{ name }},</p><p>{{ body }}</p>'), text: 'Hallo {{ name }},\n\n{{ body }}' },
        in_app: { subject: '{{ headline }}', text: '{{ body }}' },
      },
    },
  },
];
