/** Runs one process of an action step under the runner protocol and turns its end into a step outcome. */
import type { ActionStepContext, ActionStepOutcome } from '../engine/action-host.js';
import { runStepProcess, type StepProcessResult } from '../engine/step-process.js';

export async function runActionProcess(ctx: ActionStepContext, command: string, args: string[], cwd: string, env: Record<string, string>): Promise<ActionStepOutcome> {
  const result = await runStepProcess({
    command,
    args,
    cwd,
    env,
    tempDir: ctx.paths.temp,
    masker: ctx.masker,
    log: ctx.log,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    allowUnsecureCommands: env.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true',
  });
  return processOutcome(result, ctx.timeoutMs);
}

function processOutcome(result: StepProcessResult, timeoutMs?: number): ActionStepOutcome {
  let error: string | undefined;
  if (result.spawnError) error = result.spawnError;
  else if (result.terminated === 'timeout') error = `The step has timed out after ${Math.round((timeoutMs ?? 0) / 60_000)} minutes.`;
  else if (result.terminated === 'cancelled') error = 'The operation was canceled.';
  else if (result.fileCommandError) error = result.fileCommandError;
  else if (result.exitCode !== 0) error = `Process completed with exit code ${result.exitCode ?? 'null (killed by a signal)'}.`;
  return {
    outcome: error ? 'failure' : 'success',
    outputs: result.outputs,
    env: result.env,
    path: result.path,
    state: result.state,
    summary: result.summary,
    annotations: result.annotations,
    error,
  };
}
