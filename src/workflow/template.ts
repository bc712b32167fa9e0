/**
 * Evaluates the parser's template tokens (the YAML with `${{ }}` left in) into plain values at run time.
 * GitHub's parser keeps everything below the job/step skeleton as tokens and ships no evaluator.
 */
import { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { SequenceToken } from '@actions/workflow-parser/templates/tokens/sequence-token';
import type { BasicExpressionToken } from '@actions/workflow-parser/templates/tokens/basic-expression-token';
import type { LiteralToken } from '@actions/workflow-parser/templates/tokens/literal-token';
import { TokenType } from '@actions/workflow-parser/templates/tokens/types';
import { NexusError } from '../errors.js';
import type { ExpressionScope } from './expressions.js';

export type { TemplateToken, MappingToken };

/** Evaluates a token tree into plain JSON-like values. */
export function evaluateToken(token: TemplateToken, scope: ExpressionScope): unknown {
  switch (token.templateTokenType) {
    case TokenType.String:
    case TokenType.Number:
    case TokenType.Boolean:
      return (token as LiteralToken & { value: unknown }).value;
    case TokenType.Null:
      return null;
    case TokenType.BasicExpression:
      return atToken(token, () => scope.evaluate((token as BasicExpressionToken).expression));
    case TokenType.Sequence: {
      const out: unknown[] = [];
      for (const item of token as SequenceToken) out.push(evaluateToken(item, scope));
      return out;
    }
    case TokenType.Mapping: {
      const out: Record<string, unknown> = {};
      for (const { key, value } of token as MappingToken) {
        if (key.templateTokenType === TokenType.InsertExpression) {
          const inserted = evaluateToken(value, scope);
          if (inserted && typeof inserted === 'object' && !Array.isArray(inserted)) Object.assign(out, inserted);
          continue;
        }
        out[stringify(evaluateToken(key, scope))] = evaluateToken(value, scope);
      }
      return out;
    }
    default:
      throw new NexusError('TEMPLATE', `unexpected token type ${token.typeName()}`);
  }
}

/** Evaluates a token that must yield a string (run scripts, env values, inputs): GitHub's coercion. */
export function evaluateString(token: TemplateToken, scope: ExpressionScope): string {
  return stringify(evaluateToken(token, scope));
}

/** Evaluates a mapping of strings (env, with, outputs); missing token gives an empty object. */
export function evaluateStringMap(token: TemplateToken | undefined, scope: ExpressionScope): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, scope);
  if (value === null || value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new NexusError('TEMPLATE', `${where(token)}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = stringify(v);
  return out;
}

export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** The file each loaded token comes from: the parser's tokens only hold a per-parse file number. */
const sources = new WeakMap<TemplateToken, string>();

/** Records that `value` (a token, or an object holding tokens) and everything below it come from `file`. */
export function registerSource(value: unknown, file: string): void {
  if (value instanceof TemplateToken) {
    if (sources.has(value)) return;
    sources.set(value, file);
    if (value.templateTokenType === TokenType.Mapping) {
      for (const { key, value: item } of value as MappingToken) {
        registerSource(key, file);
        registerSource(item, file);
      }
    } else if (value.templateTokenType === TokenType.Sequence) for (const item of value as SequenceToken) registerSource(item, file);
  } else if (Array.isArray(value)) for (const item of value) registerSource(item, file);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) registerSource(item, file);
}

/** A token's position as a diagnostic's: its file when it was loaded from one. */
export function positionOf(token: TemplateToken): { file?: string; line?: number; col?: number } {
  return { file: sources.get(token), line: token.line, col: token.col };
}

/** Where a token is, as diagnostics show it: `path:line:col` (without the path for a token of unknown origin). */
export function where(token: TemplateToken): string {
  const file = sources.get(token);
  if (token.line === undefined) return file ?? 'workflow';
  return file ? `${file}:${token.line}:${token.col}` : `line ${token.line}, col ${token.col}`;
}

function atToken<T>(token: TemplateToken, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NexusError && token.line !== undefined) throw new NexusError(e.code, `${where(token)}: ${e.message}`);
    throw e;
  }
}
