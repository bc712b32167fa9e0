/** The built-in actions, by lower-case `owner/repo[/path]` (any ref), and the spec's actions that cannot run offline. */
import type { Builtin } from './builtin.js';
import { cache, cacheRestore, cacheSave } from './cache.js';
import { downloadArtifact, uploadArtifact } from './artifacts.js';
import { checkout } from './checkout.js';
import { slack } from './slack.js';
import { setupNode, setupPython } from './setup.js';
import { createRelease } from './release.js';
import { codecov } from './codecov.js';
import { uploadSarif } from './upload-sarif.js';
import { secretScan } from './secret-scan.js';
import { deploy } from './deploy.js';

export type { Builtin, BuiltinServices } from './builtin.js';

const BUILTINS: Record<string, Builtin> = {
  'actions/checkout': checkout,
  'actions/cache': cache,
  'actions/cache/restore': cacheRestore,
  'actions/cache/save': cacheSave,
  'actions/upload-artifact': uploadArtifact,
  'actions/download-artifact': downloadArtifact,
  'slackapi/slack-github-action': slack,
  'actions/setup-node': setupNode,
  'actions/setup-python': setupPython,
  'actions/create-release': createRelease,
  'codecov/codecov-action': codecov,
  'github/codeql-action/upload-sarif': uploadSarif,
  'nexus/secret-scan': secretScan,
  'nexus/deploy': deploy,
};

const UNAVAILABLE: [RegExp, string][] = [
  [/^aws-actions\//, 'needs an AWS account and credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an OIDC role), which this offline host does not have'],
  [/^docker\//, 'needs a Docker daemon and a container registry, neither of which this host has'],
  [/^returntocorp\/semgrep-action|^semgrep\//, 'needs the Semgrep service (a SEMGREP_APP_TOKEN and network access to semgrep.dev)'],
  [/^aquasecurity\/trivy-action/, 'needs a container engine and the Trivy vulnerability database from the network'],
];

export function findBuiltin(name: string): Builtin | undefined {
  return BUILTINS[name];
}

/** Why an action cannot run here, for actions that need a cloud account or a container engine. */
export function unavailableReason(name: string): string | undefined {
  return UNAVAILABLE.find(([re]) => re.test(name))?.[1];
}
