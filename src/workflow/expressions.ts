/**
 * GitHub Actions expressions, evaluated with GitHub's own `@actions/expressions`.
 * ASTs are cached per source text: parsing dominates evaluation (~17 µs vs ~3 µs).
 */
import { Evaluator, Lexer, Parser, data, type Expr } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import type { FunctionDefinition, FunctionInfo } from '@actions/expressions/funcs/info';
import { NexusError } from '../errors.js';

export const CONTEXT_NAMES = ['github', 'env', 'vars', 'secrets', 'inputs', 'matrix', 'strategy', 'job', 'jobs', 'runner', 'needs', 'steps'] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];
export type Contexts = Partial<Record<ContextName, unknown>>;

/** The functions whose meaning depends on where the expression is evaluated. */
export interface HostFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
  hashFiles(patterns: string[]): string;
}

const HOST_FUNCTION_INFO: FunctionInfo[] = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

const cache = new Map<string, Expr>();

/** Parses an expression (without `${{ }}`); throws a NexusError with code EXPRESSION on bad syntax. */
export function compileExpression(source: string): Expr {
  let expr = cache.get(source);
  if (!expr) {
    try {
      const lexed = new Lexer(source).lex();
      expr = new Parser(lexed.tokens, [...CONTEXT_NAMES], HOST_FUNCTION_INFO).parse();
    } catch (e) {
      throw new NexusError('EXPRESSION', `invalid expression '${source}': ${e instanceof Error ? e.message : String(e)}`);
    }
    cache.set(source, expr);
  }
  return expr;
}

/** Converts plain JSON-like values into the expression library's data model. */
export function toExpressionData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'string') return new data.StringData(value);
  if (Array.isArray(value)) {
    // Added one by one: spreading a large array (a push of thousands of files) overflows the stack.
    const array = new data.Array();
    for (const item of value) array.add(toExpressionData(item));
    return array;
  }
  if (isExpressionData(value)) return value;
  const dict = new data.Dictionary();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) dict.add(k, toExpressionData(v));
  return dict;
}

function isExpressionData(value: object): value is data.ExpressionData {
  return value instanceof data.Dictionary || value instanceof data.Array || value instanceof data.StringData || value instanceof data.NumberData || value instanceof data.BooleanData || value instanceof data.Null;
}

/** Converts an expression result back into plain values (objects, arrays, primitives). */
export function fromExpressionData(d: data.ExpressionData): unknown {
  switch (d.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.Boolean:
    case data.Kind.Number:
    case data.Kind.String:
      return (d as data.BooleanData | data.NumberData | data.StringData).value;
    case data.Kind.Array:
      return (d as data.Array).values().map(fromExpressionData);
    default: {
      const out: Record<string, unknown> = {};
      for (const { key, value } of (d as data.Dictionary).pairs()) out[key] = fromExpressionData(value);
      return out;
    }
  }
}

/**
 * A set of contexts converted once, so that the many expressions of a step share the conversion.
 * Every declared context is present (at least empty): the evaluator crashes on a missing one.
 */
export class ExpressionScope {
  private readonly dictionary: data.Dictionary;
  private readonly converted = new Map<ContextName, data.ExpressionData>();
  private readonly functions: Map<string, FunctionDefinition>;

  /** `inherited`: contexts already converted by the scope this one derives from. */
  constructor(readonly contexts: Contexts, readonly host: HostFunctions, inherited?: ReadonlyMap<ContextName, data.ExpressionData>) {
    this.dictionary = new data.Dictionary();
    for (const name of CONTEXT_NAMES) {
      const value = inherited?.get(name) ?? toExpressionData(contexts[name] ?? {});
      this.converted.set(name, value);
      this.dictionary.add(name, value);
    }
    this.functions = hostFunctionMap(host);
  }

  evaluate(source: string): unknown {
    return fromExpressionData(this.evaluateData(source));
  }

  evaluateBoolean(source: string): boolean {
    return truthy(this.evaluateData(source));
  }

  evaluateData(source: string): data.ExpressionData {
    const expr = compileExpression(source);
    try {
      return new Evaluator(expr, this.dictionary, this.functions).evaluate();
    } catch (e) {
      throw new NexusError('EXPRESSION', `error evaluating '${source}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * A scope where one entry of a context is replaced (`github.action` for each step); the context's
   * other entries are shared with this scope, not converted again.
   */
  withEntry(name: ContextName, key: string, value: unknown): ExpressionScope {
    const entries = new data.Dictionary({ key, value: toExpressionData(value) });
    const old = this.converted.get(name);
    // Dictionary.add keeps the first value of a key: the new entry, added first, wins.
    if (old instanceof data.Dictionary) for (const pair of old.pairs()) entries.add(pair.key, pair.value);
    const converted = new Map(this.converted).set(name, entries);
    return new ExpressionScope({ ...this.contexts, [name]: { ...(this.contexts[name] as object), [key]: value } }, this.host, converted);
  }

  /** A scope with some contexts (and optionally the host functions) replaced. */
  with(contexts: Contexts, host: HostFunctions = this.host): ExpressionScope {
    // Only the replaced contexts are converted again: a step's scope is derived many times.
    const kept = new Map([...this.converted].filter(([name]) => !(name in contexts)));
    return new ExpressionScope({ ...this.contexts, ...contexts }, host, kept);
  }
}

function hostFunctionMap(host: HostFunctions): Map<string, FunctionDefinition> {
  const bool = (name: string, fn: () => boolean): [string, FunctionDefinition] => [name.toLowerCase(), { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(fn()) }];
  return new Map([
    bool('success', host.success),
    bool('failure', host.failure),
    bool('cancelled', host.cancelled),
    bool('always', () => true),
    ['hashfiles', { name: 'hashFiles', minArgs: 1, maxArgs: 255, call: (...args) => new data.StringData(host.hashFiles(args.map((a) => a.coerceString()))) }],
  ]);
}

/** Host functions for contexts where status functions mean "nothing has failed yet" (e.g. planning). */
export const NEUTRAL_HOST: HostFunctions = {
  success: () => true,
  failure: () => false,
  cancelled: () => false,
  hashFiles: () => '',
};
