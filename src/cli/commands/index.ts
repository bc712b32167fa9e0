import type { Command } from '../command.js';

/**
 * Every sub-command, in the order `nexus help` lists them, loaded only when used: `nexus run` need not
 * load the server, the store or the deploy daemon. To add one: `name: () => load(import('./file.js'), 'export')`.
 */
export const commands: Record<string, () => Promise<Command>> = {
  run: () => load(import('./run.js'), 'runCommand'),
  validate: () => load(import('./validate.js'), 'validateCommand'),
  deploy: () => load(import('./deploy.js'), 'deploy'),
  deployments: () => load(import('./deployments.js'), 'deployments'),
  rollback: () => load(import('./rollback.js'), 'rollback'),
  approve: () => load(import('./approve.js'), 'approve'),
  reject: () => load(import('./reject.js'), 'reject'),
  actions: () => load(import('./actions.js'), 'actionsCommand'),
  releases: () => load(import('./releases.js'), 'releasesCommand'),
  serve: () => load(import('./serve.js'), 'serve'),
  runner: () => load(import('./runner.js'), 'runner'),
  project: () => load(import('./project.js'), 'project'),
  token: () => load(import('./token.js'), 'token'),
  runs: () => load(import('./runs.js'), 'runs'),
  logs: () => load(import('./logs.js'), 'logs'),
  dispatch: () => load(import('./dispatch.js'), 'dispatch'),
  cancel: () => load(import('./cancel.js'), 'cancel'),
  rerun: () => load(import('./rerun.js'), 'rerun'),
  secret: () => load(import('./secret.js'), 'secret'),
  var: () => load(import('./var.js'), 'variable'),
  cost: () => load(import('./cost.js'), 'cost'),
};

async function load(module: Promise<Record<string, unknown>>, exportName: string): Promise<Command> {
  return (await module)[exportName] as Command;
}
