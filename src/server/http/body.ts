import type { Context } from 'hono';
import { NexusError } from '../../errors.js';

/** Reads a JSON object body; a malformed one is a 400 that says so. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new NexusError('USAGE', 'the request body must be a JSON object');
}

export function int(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new NexusError('USAGE', `${name} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

export function str(value: unknown, name: string, optional?: false): string;
export function str(value: unknown, name: string, optional: true): string | undefined;
export function str(value: unknown, name: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || (!optional && value === '')) throw new NexusError('USAGE', `${name} must be a non-empty string`);
  return value;
}

export const notFound = (what: string): NexusError => new NexusError('NOT_FOUND', `${what} not found`);
