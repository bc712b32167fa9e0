/**
 * `.nexus/environments.yml`: environments with their URL, variables, secret names, protection rules (as GitHub
 * has them) and notification targets. Parsing collects every problem with its file:line:col.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Node } from 'yaml';
import { YamlReader } from './yaml-reader.js';
import { parseDuration } from './duration.js';

export const NOTIFICATION_EVENTS = ['approval_requested', 'deploy_started', 'deploy_succeeded', 'deploy_failed', 'deploy_rolled_back'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface ReviewerRef {
  kind: 'user' | 'team';
  name: string;
}

/** Which refs may deploy: any, only protected branches, or branch/tag name patterns (`*` does not cross `/`). */
export type BranchPolicy = { kind: 'all' } | { kind: 'protected' } | { kind: 'patterns'; branches: string[]; tags: string[] };

export interface ProtectionRules {
  /** Any ONE of these may approve (GitHub allows up to 6). Empty = no review needed. */
  reviewers: ReviewerRef[];
  preventSelfReview: boolean;
  waitTimerMs: number;
  branchPolicy: BranchPolicy;
  /** A pending approval fails after this long (GitHub: 30 days). */
  approvalExpiryMs: number;
}

/** Where notifications go. URLs and signing keys may name a secret instead of being written in the file. */
export interface NotificationTarget {
  kind: 'slack' | 'webhook';
  url?: string;
  urlSecret?: string;
  signingSecret?: string;
  events: NotificationEvent[];
}

export interface EnvironmentConfig {
  name: string;
  url?: string;
  variables: Record<string, string>;
  /** Names of secrets this environment releases to its jobs (values live in the secret store, never here). */
  secrets: string[];
  protection: ProtectionRules;
  notifications: NotificationTarget[];
}

export interface EnvironmentsFile {
  path?: string;
  environments: Map<string, EnvironmentConfig>;
  teams: Record<string, string[]>;
  protectedBranches: string[];
}

export const DEFAULT_APPROVAL_EXPIRY_MS = 30 * 86_400_000;
const MAX_REVIEWERS = 6;
const MAX_WAIT_TIMER_MS = 43_200 * 60_000;

export function defaultProtection(): ProtectionRules {
  return { reviewers: [], preventSelfReview: false, waitTimerMs: 0, branchPolicy: { kind: 'all' }, approvalExpiryMs: DEFAULT_APPROVAL_EXPIRY_MS };
}

/** An environment that is not declared anywhere: no rules, as GitHub creates one on first use. */
export function implicitEnvironment(name: string): EnvironmentConfig {
  return { name, variables: {}, secrets: [], protection: defaultProtection(), notifications: [] };
}

export const ENVIRONMENTS_FILE = '.nexus/environments.yml';

/** Loads `<root>/.nexus/environments.yml`; a repository without one has no declared environments. */
export function loadEnvironments(root: string, cwd = root): EnvironmentsFile {
  const path = join(root, ENVIRONMENTS_FILE);
  if (!existsSync(path)) return { environments: new Map(), teams: {}, protectedBranches: [] };
  return parseEnvironments(readFileSync(path, 'utf8'), relative(cwd, path) || path, path);
}

export function environmentNamed(file: EnvironmentsFile, name: string): EnvironmentConfig {
  return file.environments.get(name) ?? implicitEnvironment(name);
}

export function parseEnvironments(source: string, displayPath: string, path?: string): EnvironmentsFile {
  const r = new YamlReader(displayPath, source);
  const out: EnvironmentsFile = { path, environments: new Map(), teams: {}, protectedBranches: [] };
  if (!r.diagnostics.length) {
    for (const [key, value, keyNode] of r.entries(r.root, 'the file')) {
      if (key === 'teams') {
        for (const [team, members] of r.entries(value, 'teams')) out.teams[team] = r.strings(members, `teams.${team}`);
      } else if (key === 'protected-branches') {
        out.protectedBranches = r.strings(value, 'protected-branches');
      } else if (key === 'environments') {
        for (const [name, body, nameNode] of r.entries(value, 'environments')) {
          if (!/^[A-Za-z0-9_.-]+$/.test(name)) r.problem(nameNode, `environment name ${JSON.stringify(name)} may only use letters, digits, '.', '_' and '-'`);
          out.environments.set(name, parseEnvironment(r, name, body));
        }
      } else {
        r.problem(keyNode, `unknown key '${key}' (expected teams, protected-branches or environments)`);
      }
    }
    for (const env of out.environments.values()) {
      for (const ref of env.protection.reviewers) {
        if (ref.kind === 'team' && !(ref.name in out.teams)) {
          r.problem(findReviewerNode(r, env.name), `environment '${env.name}': reviewer team '${ref.name}' is not declared under teams`);
        }
      }
    }
  }
  r.finish(`${displayPath} is not a valid environments file`);
  return out;
}

function findReviewerNode(r: YamlReader, envName: string): Node | null {
  const envs = r.entries(r.root, 'the file').find(([k]) => k === 'environments')?.[1] ?? null;
  const body = r.entries(envs, 'environments').find(([k]) => k === envName)?.[1] ?? null;
  return r.entries(body, envName).find(([k]) => k === 'reviewers')?.[1] ?? body;
}

function parseEnvironment(r: YamlReader, name: string, body: Node | null): EnvironmentConfig {
  const env = implicitEnvironment(name);
  const p = env.protection;
  const at = (key: string) => `environments.${name}.${key}`;
  for (const [key, value, keyNode] of r.entries(body, `environment '${name}'`)) {
    switch (key) {
      case 'url':
        env.url = r.string(value, at(key));
        break;
      case 'variables':
        for (const [k, v] of r.entries(value, at(key))) {
          const s = r.scalar(v, `${at(key)}.${k}`);
          if (s !== undefined) env.variables[k] = String(s);
        }
        break;
      case 'secrets':
        env.secrets = r.strings(value, at(key));
        break;
      case 'reviewers': {
        const list = r.strings(value, at(key));
        if (list.length > MAX_REVIEWERS) r.problem(value, `${at(key)}: at most ${MAX_REVIEWERS} reviewers (users or teams), as on GitHub`);
        p.reviewers = list.map((s) => (s.startsWith('team:') ? { kind: 'team', name: s.slice(5) } : { kind: 'user', name: s }));
        break;
      }
      case 'prevent-self-review':
        p.preventSelfReview = r.boolean(value, at(key)) ?? false;
        break;
      case 'wait-timer': {
        // GitHub counts the wait timer in minutes; a duration string is accepted too.
        const raw = r.scalar(value, at(key));
        const ms = raw === undefined ? undefined : parseDuration(raw, 'm');
        if (raw !== undefined && (ms === undefined || ms > MAX_WAIT_TIMER_MS)) r.problem(value, `${at(key)}: expected minutes (0 to 43200) or a duration such as 90s`);
        else if (ms !== undefined) p.waitTimerMs = ms;
        break;
      }
      case 'approval-expiry': {
        const raw = r.scalar(value, at(key));
        const ms = raw === undefined ? undefined : parseDuration(raw, 'd');
        if (raw !== undefined && !ms) r.problem(value, `${at(key)}: expected a duration such as 30d or 12h`);
        else if (ms) p.approvalExpiryMs = ms;
        break;
      }
      case 'deployment-branches':
        p.branchPolicy = parseBranchPolicy(r, value, at(key));
        break;
      case 'notifications':
        env.notifications = r.items(value, at(key)).map((item, i) => parseNotification(r, item, `${at(key)}[${i}]`));
        break;
      default:
        r.problem(keyNode, `unknown key '${key}' in environment '${name}' (expected url, variables, secrets, reviewers, prevent-self-review, wait-timer, approval-expiry, deployment-branches, notifications)`);
    }
  }
  return env;
}

function parseBranchPolicy(r: YamlReader, value: Node | null, what: string): BranchPolicy {
  const word = (value as { value?: unknown } | null)?.value;
  if (word === 'all') return { kind: 'all' };
  if (word === 'protected') return { kind: 'protected' };
  const policy: BranchPolicy = { kind: 'patterns', branches: [], tags: [] };
  const entries = r.entries(value, `${what} (all, protected, or {branches, tags})`);
  for (const [key, list, keyNode] of entries) {
    if (key === 'branches') policy.branches = r.strings(list, `${what}.branches`);
    else if (key === 'tags') policy.tags = r.strings(list, `${what}.tags`);
    else r.problem(keyNode, `unknown key '${key}' in ${what} (expected branches or tags)`);
  }
  return policy;
}

function parseNotification(r: YamlReader, item: Node | null, what: string): NotificationTarget {
  const target: NotificationTarget = { kind: 'webhook', events: [...NOTIFICATION_EVENTS] };
  let kinds = 0;
  for (const [key, value, keyNode] of r.entries(item, what)) {
    if (key === 'slack' || key === 'webhook') {
      kinds++;
      target.kind = key;
      for (const [k, v, kn] of r.entries(value, `${what}.${key}`)) {
        if (k === 'url') target.url = r.string(v, `${what}.${key}.url`);
        else if (k === 'url-secret') target.urlSecret = r.string(v, `${what}.${key}.url-secret`);
        else if (k === 'signing-secret' && key === 'webhook') target.signingSecret = r.string(v, `${what}.${key}.signing-secret`);
        else r.problem(kn, `unknown key '${k}' in ${what}.${key} (expected url, url-secret${key === 'webhook' ? ', signing-secret' : ''})`);
      }
      if (!target.url === !target.urlSecret) r.problem(value ?? keyNode, `${what}.${key}: give exactly one of url or url-secret`);
    } else if (key === 'events') {
      const names = r.strings(value, `${what}.events`);
      const bad = names.filter((n) => !(NOTIFICATION_EVENTS as readonly string[]).includes(n));
      if (bad.length) r.problem(value, `${what}.events: unknown event ${bad.map((b) => `'${b}'`).join(', ')} (expected ${NOTIFICATION_EVENTS.join(', ')})`);
      target.events = names.filter((n): n is NotificationEvent => !bad.includes(n));
    } else {
      r.problem(keyNode, `unknown key '${key}' in ${what} (expected slack, webhook or events)`);
    }
  }
  if (kinds !== 1) r.problem(item, `${what}: give exactly one of slack or webhook`);
  return target;
}
