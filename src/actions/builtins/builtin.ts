/** The shape of an action Nexus implements itself, used when the real one is not in the action store. */
import type { ActionStepContext, ActionStepOutcome } from '../../engine/action-host.js';

export interface BuiltinServices {
  /** The repository the run comes from, when it is on this host. */
  root?: string;
  cacheLimitBytes: number;
}

export interface Builtin {
  main(ctx: ActionStepContext, services: BuiltinServices): Promise<ActionStepOutcome>;
  post?(ctx: ActionStepContext, services: BuiltinServices): Promise<ActionStepOutcome>;
  postIf?: string;
}

export function say(ctx: ActionStepContext, text: string): void {
  ctx.log({ kind: 'output', text: ctx.masker.mask(text) });
}

export function failed(error: string, outputs: Record<string, string> = {}): ActionStepOutcome {
  return { outcome: 'failure', error, outputs };
}

/** A boolean input as @actions/core reads it (`true`/`True`/`TRUE`), with a default. */
export function booleanInput(ctx: ActionStepContext, name: string, fallback: boolean): boolean {
  const v = ctx.inputs[name]?.trim();
  if (!v) return fallback;
  return ['true', 'True', 'TRUE'].includes(v);
}

/** A multi-line input: one entry per line, blank lines dropped. */
export function listInput(ctx: ActionStepContext, name: string): string[] {
  return (ctx.inputs[name] ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}
