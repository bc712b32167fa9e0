/**
 * Module hooks that make GitHub's `@actions/workflow-parser` usable on plain Node 20.
 *
 * 1. Its dist imports its schema JSON without `with { type: "json" }` (upstream
 *    actions/languageservices#387), which Node refuses; we add the attribute.
 * 2. For multi-line scalars that contain `${{ }}` it splits the raw YAML source instead of the
 *    decoded value, so block scalars keep their indentation and quoted ones keep their quotes.
 *    We carry the one-line fix.
 * 3. The expression lexer unescapes only the first `''` of a string literal, so
 *    `format('it''s ''{0}''', x)` keeps stray quotes; we unescape them all, as GitHub does.
 * If an upgrade changes a patched line we fail loudly rather than silently run scripts with the
 * wrong text.
 */
import type { LoadHook, ResolveHook } from 'node:module';

const PARSER_PACKAGE = '/node_modules/@actions/';
/** One-line source patches: the file they apply to, the line as shipped, the line as fixed. */
const PATCHES = [
  {
    file: '/@actions/workflow-parser/dist/templates/template-reader.js',
    from: 'const raw = isSingleLine ? token.value : token.source ?? token.value;',
    to: 'const raw = token.value;',
  },
  {
    file: '/@actions/expressions/dist/lexer.js',
    from: `value = value.replace("''", "'");`,
    to: `value = value.replaceAll("''", "'");`,
  },
];

export const resolve: ResolveHook = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  if (resolved.url.endsWith('.json') && resolved.url.includes(PARSER_PACKAGE)) {
    return { ...resolved, importAttributes: { ...(resolved.importAttributes ?? context.importAttributes), type: 'json' } };
  }
  return resolved;
};

export const load: LoadHook = async (url, context, next) => {
  const loaded = await next(url, context);
  const patch = PATCHES.find((p) => url.endsWith(p.file));
  if (!patch) return loaded;
  const source = String(loaded.source);
  if (!source.includes(patch.from)) {
    throw new Error(`${patch.file} changed: the patch in src/compat/parser-hooks.ts no longer applies to ${url}; review it`);
  }
  return { ...loaded, source: source.replace(patch.from, patch.to) };
};
