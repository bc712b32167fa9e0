/**
 * Module hooks that make GitHub's `@actions/workflow-parser` usable on plain Node 20.
 *
 * 1. Its dist imports its schema JSON without `with { type: "json" }` (upstream
 *    actions/languageservices#387), which Node refuses; we add the attribute.
 * 2. For multi-line scalars that contain `${{ }}` it splits the raw YAML source instead of the
 *    decoded value, so block scalars keep their indentation and quoted ones keep their quotes.
 *    We carry the one-line fix; if an upgrade changes that line we fail loudly rather than
 *    silently run scripts with the wrong text.
 */
import type { LoadHook, ResolveHook } from 'node:module';

const PARSER_PACKAGE = '/node_modules/@actions/';
const TEMPLATE_READER = '/@actions/workflow-parser/dist/templates/template-reader.js';
const BUGGY_LINE = 'const raw = isSingleLine ? token.value : token.source ?? token.value;';
const FIXED_LINE = 'const raw = token.value;';

export const resolve: ResolveHook = async (specifier, context, next) => {
  const resolved = await next(specifier, context);
  if (resolved.url.endsWith('.json') && resolved.url.includes(PARSER_PACKAGE)) {
    return { ...resolved, importAttributes: { ...(resolved.importAttributes ?? context.importAttributes), type: 'json' } };
  }
  return resolved;
};

export const load: LoadHook = async (url, context, next) => {
  const loaded = await next(url, context);
  if (!url.endsWith(TEMPLATE_READER)) return loaded;
  const source = String(loaded.source);
  if (!source.includes(BUGGY_LINE)) {
    throw new Error(`@actions/workflow-parser changed: the multi-line expression fix no longer applies to ${url}; review src/compat/parser-hooks.ts`);
  }
  return { ...loaded, source: source.replace(BUGGY_LINE, FIXED_LINE) };
};
