import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/*
 * ESLint rule skyro/import-paths: one spelling for every import of our own code.
 *
 * - Within an area (the platform, the shared kernel, one context under src/modules/, src's
 *   top-level files, migrations/, test/, bench/, scripts/), a file imports what is in its own
 *   folder, below it or one folder up relatively: './x', './sub/x', '../x'.
 * - Anything else goes through the aliases of tsconfig.json (@platform/*, @shared-kernel,
 *   @modules/*, @migrations/*, @test/*, @scripts/*, @app/*), the most specific one: no
 *   '../../' chains, which break whenever a file moves and hide where an import goes.
 * - A require() or import() call in code that is built (src/, migrations/, ormconfig.ts)
 *   keeps a relative path: the build (nest build) rewrites aliases in import and export
 *   declarations only.
 *
 * Both directions are fixed automatically (`npx eslint --fix`), e.g. after a merge brings
 * in code written before the aliases.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** tsconfig.json's paths as [alias, target] pairs, most specific target first. */
function readAliases() {
  const { config, error } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(`skyro/import-paths: cannot read tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const aliases = Object.entries(config.compilerOptions?.paths ?? {}).map(([alias, [target]]) => ({
    wildcard: alias.endsWith('/*'),
    alias: alias.replace(/\*$/, ''),
    target: posix
      .normalize(target.replace(/\*$/, ''))
      .replace(/^\.\/?/, '')
      .replace(/\/$/, ''),
  }));
  return aliases.sort((a, b) => b.target.length - a.target.length);
}

/** The area a project path (relative to the root, no extension) belongs to. */
function areaOf(path) {
  const [top, second, third] = path.split('/');
  if (top !== 'src') return ['migrations', 'test', 'bench', 'scripts'].includes(top) ? top : '';
  if (second === 'platform' || second === 'shared-kernel') return `src/${second}`;
  if (second === 'modules') return third !== undefined && path.split('/').length > 3 ? `src/modules/${third}` : 'src/modules';
  return 'src';
}

const withoutExtension = (path) => path.replace(/\.(ts|js|mjs|cjs)$/, '').replace(/\/index$/, '');

/** The alias spelling of a project path, or undefined when no alias covers it. */
function aliasFor(aliases, target) {
  for (const a of aliases) {
    if (a.wildcard && target.startsWith(`${a.target}/`)) return `${a.alias}${target.slice(a.target.length + 1)}`;
    if (!a.wildcard && a.target === target) return a.alias;
  }
  return undefined;
}

/** The project path an alias points at, or undefined when the specifier is not one. */
function resolveAlias(aliases, specifier) {
  for (const a of aliases) {
    if (!a.wildcard && specifier === a.alias) return a.target;
    if (a.wildcard && specifier.startsWith(a.alias)) return `${a.target}/${specifier.slice(a.alias.length)}`;
  }
  return undefined;
}

/** How `file` should spell an import of `target` (both project paths). */
function canonical(aliases, file, target) {
  let rel = posix.relative(posix.dirname(file), target);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const segments = rel.split('/');
  const ups = segments.findIndex((s) => s !== '..') === -1 ? segments.length : segments.findIndex((s) => s !== '..');
  if (ups === 0 || (ups === 1 && areaOf(file) === areaOf(target))) return rel;
  return aliasFor(aliases, target) ?? rel;
}

const BUILT = /^(src|migrations)\/|^ormconfig\.ts$/;

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'suggestion',
    fixable: 'code',
    docs: { description: 'Relative imports within a folder (or one up) of the same area; tsconfig aliases for everything else.' },
    messages: {
      useAlias: "Import {{target}} as '{{wanted}}': no '../../' chains, and another area of the code goes through its alias (tsconfig.json paths).",
      useRelative: "Import '{{specifier}}' as '{{wanted}}': within the same folder, below it or one folder up in the same area, imports stay relative.",
      useSpecific: "Import '{{specifier}}' as '{{wanted}}': the most specific alias.",
      noAliasInCall:
        "'{{specifier}}' in a require() or import() call survives the build (nest build rewrites import and export declarations only): use the relative path.",
    },
    schema: [],
  },
  create(context) {
    const aliases = readAliases();
    const file = relative(ROOT, context.filename).split(sep).join('/');
    if (file.startsWith('..')) return {};
    const fileNoExt = file.replace(/\.(ts|js|mjs|cjs)$/, '');

    const check = (literal) => {
      if (!literal || literal.type !== 'Literal' || typeof literal.value !== 'string') return;
      const specifier = literal.value;
      let target;
      if (specifier.startsWith('.')) {
        const resolved = posix.normalize(posix.join(posix.dirname(file), specifier));
        if (resolved.startsWith('..')) return;
        target = withoutExtension(resolved);
      } else {
        const aliased = resolveAlias(aliases, specifier);
        if (aliased === undefined) return;
        target = withoutExtension(aliased);
      }
      const wanted = canonical(aliases, fileNoExt, target);
      const same = wanted === specifier || withoutExtension(posix.normalize(wanted)) === withoutExtension(posix.normalize(specifier));
      if (same) return;
      const messageId = specifier.startsWith('.') ? 'useAlias' : wanted.startsWith('.') ? 'useRelative' : 'useSpecific';
      context.report({
        node: literal,
        messageId,
        data: { specifier, wanted, target },
        fix: (fixer) => fixer.replaceText(literal, `${literal.raw[0]}${wanted}${literal.raw[0]}`),
      });
    };

    const checkCall = (literal) => {
      if (!BUILT.test(file) || !literal || literal.type !== 'Literal' || typeof literal.value !== 'string') return;
      if (resolveAlias(aliases, literal.value) === undefined) return;
      context.report({ node: literal, messageId: 'noAliasInCall', data: { specifier: literal.value } });
    };

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference.expression),
      ImportExpression: (node) => checkCall(node.source),
      CallExpression: (node) => node.callee.type === 'Identifier' && node.callee.name === 'require' && checkCall(node.arguments[0]),
    };
  },
};
