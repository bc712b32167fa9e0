/** A `run:` script of a composite action, written to a file and run with its shell under the runner protocol. */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { NexusError } from '../errors.js';
import type { ActionStepContext, ActionStepOutcome } from '../engine/action-host.js';
import { resolveShell } from '../engine/shell.js';
import { runActionProcess } from './step-outcome.js';

export interface ScriptRequest {
  script: string;
  shell: string | undefined;
  workingDirectory: string | undefined;
  env: Record<string, string>;
}

export async function runScript(ctx: ActionStepContext, req: ScriptRequest): Promise<ActionStepOutcome> {
  const dir = req.workingDirectory;
  const cwd = !dir ? ctx.paths.workspace : isAbsolute(dir) ? dir : resolve(ctx.paths.workspace, dir);
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new NexusError('WORKING_DIRECTORY', `working-directory '${dir}' does not exist (${cwd})`);
  const scriptPath = join(ctx.paths.temp, randomUUID());
  const shell = resolveShell(req.shell || undefined, scriptPath);
  const file = scriptPath + shell.extension;
  writeFileSync(file, req.script);
  ctx.log({ kind: 'command', text: ctx.masker.mask(req.script.split('\n')[0] ?? '') });
  const args = shell.extension ? shell.args.map((a) => a.replaceAll(scriptPath, file)) : shell.args;
  return runActionProcess(ctx, shell.command, args, cwd, req.env);
}
