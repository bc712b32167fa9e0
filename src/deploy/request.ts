/** Turning settings plus the environment's configuration into a DeployRequest (shared by CLI and action). */
import { resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { environmentNamed, type EnvironmentsFile } from '../environments/config.js';
import { resolveTargets, type SecretLookup } from '../alerts/notifier.js';
import type { DeployRequest } from './blue-green.js';
import type { Namer, ReleaseSettings } from './options.js';

/** Values of the environment's secrets that are set; a missing one is reported (by name only). */
export function environmentSecrets(names: string[], secret: SecretLookup, warn: (message: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = secret(name);
    if (value === undefined) warn(`secret ${name} of the environment is not set; the service starts without it`);
    else out[name] = value;
  }
  return out;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface RequestContext {
  service: string;
  environment: string;
  workspace: string;
  environments: EnvironmentsFile;
  commit?: string;
  ref?: string;
  runId?: string;
  actor: string;
  approver?: string;
  secret: SecretLookup;
  warn: (message: string) => void;
}

export function buildDeployRequest(settings: ReleaseSettings, c: RequestContext, label: Namer): DeployRequest {
  if (!NAME.test(c.service)) throw new NexusError('USAGE', `${label('service')} ${JSON.stringify(c.service)}: use letters, digits, '.', '_' and '-'`, { exitCode: 2 });
  if (!NAME.test(c.environment)) throw new NexusError('USAGE', `${label('environment')} ${JSON.stringify(c.environment)}: use letters, digits, '.', '_' and '-'`, { exitCode: 2 });
  if (!settings.command) throw new NexusError('USAGE', `${label('command')} is required: the command that starts the service (it must listen on $PORT)`, { exitCode: 2 });
  const env = environmentNamed(c.environments, c.environment);
  const { waitFor: _returnPoint, ...release } = settings;
  return {
    ...release,
    environment: c.environment,
    service: c.service,
    command: settings.command,
    artifact: settings.artifact ? resolve(c.workspace, settings.artifact) : undefined,
    workspace: c.workspace,
    commit: c.commit,
    ref: c.ref,
    runId: c.runId,
    actor: c.actor,
    approver: c.approver,
    url: env.url,
    variables: env.variables,
    secrets: environmentSecrets(env.secrets, c.secret, c.warn),
    notifications: resolveTargets(env.notifications, c.secret, c.warn),
  };
}
