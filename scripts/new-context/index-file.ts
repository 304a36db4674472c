/*
 * The one edit outside the new context's folders: src/modules/index.ts imports its manifest
 * (among the other manifest imports, in path order) and lists it last in CONTEXTS. Anything
 * that does not look like the file we know is refused, never guessed at.
 */

const MANIFEST_IMPORT = /^import \{ \w+ \} from '\.\/([a-z0-9_]+)\/[a-z0-9-]+\.context';$/;
const CONTEXTS_LIST = /(export const CONTEXTS\b[^=]*=\s*\[)([^\]]*)(\];)/;

export class IndexFileError extends Error {}

/** The file with the manifest's import and CONTEXTS entry added. */
export function addContextToIndex(text: string, contextName: string, importLine: string, identifier: string): string {
  if (new RegExp(`\\b${identifier}\\b`).test(text)) throw new IndexFileError(`src/modules/index.ts already names ${identifier}`);
  const lines = text.split('\n');
  const imports = lines.map((line, index) => ({ index, folder: MANIFEST_IMPORT.exec(line)?.[1] })).filter((l) => l.folder !== undefined);
  if (imports.length === 0)
    throw new IndexFileError("src/modules/index.ts has no manifest import (import { xContext } from './x/x.context') to add one beside");
  const next = imports.find((l) => l.folder! > contextName);
  const at = next ? next.index : imports[imports.length - 1]!.index + 1;
  const withImport = [...lines.slice(0, at), importLine, ...lines.slice(at)].join('\n');

  const list = CONTEXTS_LIST.exec(withImport);
  if (!list) throw new IndexFileError('src/modules/index.ts has no `export const CONTEXTS ... = [...];` list');
  const [whole, open, inner, close] = list as unknown as [string, string, string, string];
  const entries = inner
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.every((e) => /^\w+$/.test(e)))
    throw new IndexFileError('CONTEXTS in src/modules/index.ts holds more than manifest names; add the entry by hand');
  let replaced: string;
  if (inner.includes('\n')) {
    // One entry a line, indented as the file has them.
    const indent = /\n([ \t]*)\S/.exec(inner)?.[1] ?? '  ';
    const closingIndent = /\n([ \t]*)$/.exec(inner)?.[1] ?? '';
    replaced = `${open}\n${[...entries, identifier].map((e) => `${indent}${e},`).join('\n')}\n${closingIndent}${close}`;
  } else {
    replaced = `${open}${[...entries, identifier].join(', ')}${close}`;
  }
  return withImport.replace(whole, () => replaced);
}
