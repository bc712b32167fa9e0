import type { Command } from '../command.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { deploy } from './deploy.js';
import { deployments } from './deployments.js';
import { rollback } from './rollback.js';
import { approve } from './approve.js';
import { reject } from './reject.js';
import { actionsCommand } from './actions.js';

import { serve } from './serve.js';
import { runner } from './runner.js';
import { project } from './project.js';
import { token } from './token.js';
import { runs } from './runs.js';
import { logs } from './logs.js';
import { dispatch } from './dispatch.js';
import { cancel } from './cancel.js';
import { rerun } from './rerun.js';
import { secret } from './secret.js';
import { cost } from './cost.js';
/** Every sub-command, in the order `nexus help` lists them. */
export const commands: Command[] = [
  runCommand,
  validateCommand,
  deploy,
  deployments,
  rollback,
  approve,
  reject,
  actionsCommand,
  serve,
  runner,
  project,
  token,
  runs,
  logs,
  dispatch,
  cancel,
  rerun,
  secret,
  cost,
];
