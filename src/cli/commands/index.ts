import type { Command } from '../command.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { deploy } from './deploy.js';
import { deployments } from './deployments.js';
import { rollback } from './rollback.js';
import { approve } from './approve.js';
import { reject } from './reject.js';
import { actionsCommand } from './actions.js';

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
];
