import { create } from 'xmlbuilder2';
import { Iso20022Error } from './amounts';

/*
 * Reading ISO 20022 documents (pain.002, camt.053/054) with xmlbuilder2's parser into plain
 * objects, namespace prefixes dropped (banks send both default and prefixed namespaces).
 */

export type XmlNode = { readonly [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

function strip(value: unknown): XmlValue {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, XmlValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.startsWith('@xmlns')) continue;
      const name = k.startsWith('@') || k === '#' ? k : k.replace(/^[^:]+:/, '');
      out[name] = strip(v);
    }
    return out;
  }
  return String(value);
}

/** The document's root element (under Document), with its namespace URI. */
export function readIso20022(xml: string): { namespace: string; root: string; body: XmlNode } {
  let parsed: Record<string, unknown>;
  try {
    parsed = create(xml).end({ format: 'object' }) as Record<string, unknown>;
  } catch {
    throw new Iso20022Error('document', 'document is not well-formed XML');
  }
  const [docName, doc] = Object.entries(parsed)[0] ?? [];
  if (!docName || docName.replace(/^[^:]+:/, '') !== 'Document' || !doc || typeof doc !== 'object')
    throw new Iso20022Error('document', 'document has no ISO 20022 Document root');
  const attrs = doc as Record<string, unknown>;
  const declared = Object.entries(attrs).find(([k]) => k === '@xmlns' || k.startsWith('@xmlns:'))?.[1];
  const namespace = typeof declared === 'string' ? declared : '';
  const body = strip(doc) as XmlNode;
  const root = Object.keys(body).find((k) => !k.startsWith('@'));
  if (!root) throw new Iso20022Error('document', 'document is empty');
  return { namespace, root, body: body[root] as XmlNode };
}

/** Children named `name`, as a list (one or many). */
export function all(node: XmlValue | undefined, name: string): XmlValue[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const v = node[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The node at a path of child names (first of each), or undefined. */
export function at(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let cur: XmlValue | undefined = node;
  for (const name of path) cur = all(cur, name)[0];
  return cur;
}

/** The text at a path, trimmed, or undefined. */
export function text(node: XmlValue | undefined, ...path: string[]): string | undefined {
  const v = at(node, ...path);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.trim();
  if (!Array.isArray(v) && typeof v['#'] === 'string') return v['#'].trim();
  return undefined;
}

export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}
