/**
 * The settings of one job instance that need its matrix and needs to be known: where it runs,
 * how long it may take, which environment it deploys to, its concurrency group and whether a
 * failure is tolerated. The local scheduler and the server evaluate them alike.
 */
import type { ExpressionScope } from '../workflow/expressions.js';
import type { JobDef } from '../workflow/model.js';
import { TokenType } from '@actions/workflow-parser/templates/tokens/types';
import { evaluateToken, where, type MappingToken, type TemplateToken } from '../workflow/template.js';
import { NexusError } from '../errors.js';

export const DEFAULT_JOB_TIMEOUT_MINUTES = 360;

export interface Concurrency {
  group: string;
  cancelInProgress: boolean;
}

export interface JobSettings {
  runsOn: string[];
  timeoutMinutes: number;
  environment: { name: string; url?: string } | null;
  concurrency: Concurrency | null;
  continueOnError: boolean;
}

export function jobSettings(job: JobDef, scope: ExpressionScope): JobSettings {
  return {
    runsOn: labelsOf(job.runsOn, scope),
    timeoutMinutes: timeoutMinutes(job.timeoutMinutes, scope, DEFAULT_JOB_TIMEOUT_MINUTES),
    environment: environmentAtStart(job.environment, scope),
    concurrency: concurrencyOf(job.concurrency, scope),
    continueOnError: job.continueOnError ? evaluateToken(job.continueOnError, scope) === true : false,
  };
}

/** `timeout-minutes` (fractions allowed); an absent one gives the fallback. */
export function timeoutMinutes(token: TemplateToken | undefined, scope: ExpressionScope, fallback: number): number {
  if (!token) return fallback;
  const raw = evaluateToken(token, scope);
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new NexusError('TIMEOUT', `${where(token)}: timeout-minutes must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

export function concurrencyOf(token: TemplateToken | undefined, scope: ExpressionScope): Concurrency | null {
  if (!token) return null;
  const v = evaluateToken(token, scope);
  if (typeof v === 'string') return v ? { group: v, cancelInProgress: false } : null;
  const o = (v ?? {}) as { group?: unknown; 'cancel-in-progress'?: unknown };
  return o.group ? { group: String(o.group), cancelInProgress: o['cancel-in-progress'] === true || o['cancel-in-progress'] === 'true' } : null;
}

function labelsOf(token: TemplateToken | undefined, scope: ExpressionScope): string[] {
  if (!token) return [];
  const v = evaluateToken(token, scope);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map(String);
  const o = (v ?? {}) as { labels?: unknown };
  return Array.isArray(o.labels) ? o.labels.map(String) : typeof o.labels === 'string' ? [o.labels] : [];
}

/**
 * `environment` as the job starts: its name, and its url only when written without expressions. As
 * on GitHub, the url is evaluated after the steps (it may name their outputs): see environmentOf.
 */
function environmentAtStart(token: TemplateToken | undefined, scope: ExpressionScope): JobSettings['environment'] {
  if (token?.templateTokenType !== TokenType.Mapping) return environmentOf(token, scope);
  const name = (token as MappingToken).find('name');
  const url = (token as MappingToken).find('url');
  return asEnvironment({ name: name && evaluateToken(name, scope), url: url?.templateTokenType === TokenType.String ? evaluateToken(url, scope) : undefined });
}

/** The whole `environment`, its url evaluated in `scope`. */
export function environmentOf(token: TemplateToken | undefined, scope: ExpressionScope): JobSettings['environment'] {
  return token ? asEnvironment(evaluateToken(token, scope)) : null;
}

function asEnvironment(v: unknown): JobSettings['environment'] {
  if (typeof v === 'string') return v ? { name: v } : null;
  const o = (v ?? {}) as { name?: unknown; url?: unknown };
  return o.name ? { name: String(o.name), url: o.url === undefined || o.url === null || o.url === '' ? undefined : String(o.url) } : null;
}
