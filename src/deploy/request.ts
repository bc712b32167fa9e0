/** Turning settings plus the environment's configuration into a DeployRequest (shared by CLI and action). */
import { resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { environmentNamed, type EnvironmentsFile } from '../environments/config.js';
import { resolveTargets, type SecretLookup } from '../alerts/notifier.js';
import type { DeployRequest } from './blue-green.js';
import type { Namer, ReleaseSettings } from './options.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface RequestContext {
  service: string;
  environment: string;
  workspace: string;
  environments: EnvironmentsFile;
  commit?: string;
  ref?: string;
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
    actor: c.actor,
    approver: c.approver,
    url: env.url,
    variables: env.variables,
    notifications: resolveTargets(env.notifications, c.secret, c.warn),
  };
}
