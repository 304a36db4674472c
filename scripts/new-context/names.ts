/*
 * Every name the generator writes, derived from the context name (and the name of the
 * thing it keeps), so the files, classes, routes and SQL of a new context agree.
 */

/** One word or phrase in each spelling the code uses. */
export interface Spellings {
  /** `fx_rate`: SQL identifiers. */
  readonly snake: string;
  /** `fx-rate`: file names, URL paths, contract type names. */
  readonly kebab: string;
  /** `FxRate`: classes and OpenAPI component ids. */
  readonly pascal: string;
  /** `fxRate`: values and properties. */
  readonly camel: string;
  /** `FX_RATE`: constants, environment variables, error codes. */
  readonly constant: string;
  /** `fx rate`: prose. */
  readonly words: string;
}

export interface ContextNames {
  /** The context name as written: schema, manifest name, permission and contract type prefix, folders. */
  readonly name: string;
  readonly context: Spellings;
  /** What the context keeps (one of them, then several). */
  readonly thing: Spellings;
  readonly things: Spellings;
  /** Prefix of the OpenAPI component ids and error codes (unique across the whole app). */
  readonly component: Spellings;
  /** The HTTP path prefix the manifest declares. */
  readonly route: string;
  /** The controller's path (under /v1). */
  readonly controllerPath: string;
  /** The migration's timestamp (TypeORM orders migrations by it). */
  readonly timestamp: number;
}

/** Lower-case letters and digits in words joined by single underscores, starting with a letter. */
export const CONTEXT_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** The test's event probe is `<name>_probe`, and context names stop at 31 characters (defineContext). */
export const MAX_NAME_LENGTH = 24;

export function spellings(words: readonly string[]): Spellings {
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const pascal = words.map(cap).join('');
  return {
    snake: words.join('_'),
    kebab: words.join('-'),
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    constant: words.join('_').toUpperCase(),
    words: words.join(' '),
  };
}

/** `fx_rates` or `fx-rates` → ['fx', 'rates']. */
export function wordsOf(name: string): string[] {
  return name.split(/[_-]/).filter(Boolean);
}

/** English singular of a plural word, for the common cases (`rates` → `rate`, `entries` → `entry`). */
export function singular(word: string): string {
  if (/[^aeiou]ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh|zz)es$/.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return word;
  if (word.length > 3 && word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** English plural of a word, for the common cases (`rate` → `rates`, `loyalty` → `loyalties`). */
export function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(word)) return word + 'es';
  return word + 's';
}

const onLast = (words: readonly string[], change: (w: string) => string) => [...words.slice(0, -1), change(words[words.length - 1]!)];

/**
 * The names of a context `name` keeping `thing` (default: the singular of the context
 * name, e.g. `fx_rates` keeps an `fx-rate`, at `/v1/fx-rates`). A context keeping something
 * else serves it below its prefix: `loyalty` keeping `member` has `/v1/loyalty/members`.
 */
export function deriveNames(name: string, thing?: string, timestamp = Date.now()): ContextNames {
  const contextWords = wordsOf(name);
  const defaultThing = onLast(contextWords, singular);
  const thingWords = thing ? wordsOf(thing) : defaultThing;
  const ownThing = thingWords.join('-') === defaultThing.join('-');
  const context = spellings(contextWords);
  const things = spellings(onLast(thingWords, plural));
  return {
    name,
    context,
    thing: spellings(thingWords),
    things,
    // The thing named after its context needs no prefix (`FxRate`); another is prefixed (`LoyaltyMember`).
    component: spellings(ownThing ? thingWords : [...defaultThing, ...thingWords]),
    route: `/v1/${context.kebab}`,
    controllerPath: ownThing ? context.kebab : `${context.kebab}/${things.kebab}`,
    timestamp,
  };
}
