/** JavaScript actions (`runs.using: node12|16|20|24`): each script runs with this host's Node under the runner protocol. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';
import type { ActionStepContext, ActionStepOutcome } from '../engine/action-host.js';
import { actionEnvironment, stateEnvironment, type ActionIdentity } from './identity.js';
import { inputEnvironment } from './inputs.js';
import { runActionProcess } from './step-outcome.js';

export async function runNodeScript(ctx: ActionStepContext, dir: string, script: string, inputs: Record<string, string>, id: ActionIdentity): Promise<ActionStepOutcome> {
  const file = join(dir, script);
  if (!existsSync(file)) throw new NexusError('ACTION_SCRIPT', `the action's script ${script} does not exist in ${dir}`);
  return runActionProcess(ctx, process.execPath, [file], ctx.paths.workspace, { ...ctx.env, ...inputEnvironment(inputs), ...stateEnvironment(ctx.state), ...actionEnvironment(ctx, id) });
}
