/**
 * The blue/green release of one revision, and rollbacks, over any DeploymentProvider:
 * start beside the live revision -> wait healthy -> smoke test -> switch -> analyse until the end of the
 * rollback window -> stop the old revision (success) or switch back at once (rolled_back). Only one release
 * per environment+service runs at a time. Every step lands in the deployment record and in notifications.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NexusError } from '../errors.js';
import type { AlertEvent } from '../alerts/events.js';
import { secretValues, type Notifier, type ResolvedTarget } from '../alerts/notifier.js';
import { closingVerdict, figuresFrom, findBreach, hasEnoughTraffic, type AnalysisSettings, type Breach } from './analysis.js';
import { artifactDigest, installArtifact } from './artifact.js';
import { forgetTargets, keepTargets, type Handover } from './handover.js';
import type { DeploymentProvider, RevisionInfo, RevisionSpec, ServiceKey } from './provider.js';
import { currentState, type AnalysisFigures, type AnalysisRecord, type DeploymentRecord } from './records.js';
import type { DeploymentRepository } from './repository.js';
import { runSmokeTest } from './smoke.js';
import type { ReleaseSettings } from './options.js';

export interface DeployRequest extends ServiceKey, Omit<ReleaseSettings, 'command' | 'waitFor'> {
  /** Start command; runs in the installed artifact when there is one, else in the workspace. */
  command: string;
  workspace: string;
  commit?: string;
  ref?: string;
  runId?: string;
  actor: string;
  approver?: string;
  /** The environment URL to record; defaults to the service's stable URL. */
  url?: string;
  variables: Record<string, string>;
  /** The environment's secrets for the service process and smoke test (kept in memory only). */
  secrets?: Record<string, string>;
  notifications: ResolvedTarget[];
}

export interface DeployHooks {
  log?: (line: string) => void;
  /** Cancels the release while it has not switched traffic; after the switch analysis runs to its end. */
  signal?: AbortSignal;
  onSwitched?: (record: DeploymentRecord, serviceUrl: string) => void;
}

export interface DeployOutcome {
  conclusion: 'success' | 'failure';
  deployment: DeploymentRecord;
  /** The rollback record created when analysis switched back. */
  rollback?: DeploymentRecord;
  serviceUrl: string;
  liveRevision?: number;
}

export interface RollbackPlan extends ServiceKey {
  from?: { revision: number; deployment?: DeploymentRecord };
  to: { revision: number; deployment?: DeploymentRecord; warm: boolean; spec: RevisionSpec };
  changes: string[];
  /** What would make the rollback fail, said before it is tried. */
  warnings: string[];
}

/** Samples per analysis: taken every evaluation, or spread evenly when the analysis is longer than that many. */
const MEASUREMENTS = 300;
const STARTUP_PROBE_MS = 100;

/** What holds a service: a release or a rollback; a release past its switch can be cut short. */
interface Claim {
  what: string;
  /** Set once traffic moved: the release is only analysing, and a newer release may end that early. */
  analysing: boolean;
  cut: AbortController;
  ended: Promise<void>;
}

export class BlueGreen {
  private readonly busy = new Map<string, Claim>();
  /** The notification targets of each release under analysis, by deployment id (for a daemon that takes over). */
  private readonly analysing = new Map<number, ResolvedTarget[]>();

  constructor(private readonly o: { dataDir: string; provider: DeploymentProvider; repo: DeploymentRepository; notifier: Notifier }) {}

  /**
   * Holds the service for a release or rollback. A newer release does not wait out (or fail on) an
   * earlier release that is only analysing: it cuts that analysis short, which concludes it on the
   * figures so far, then goes ahead (as Argo Rollouts lets a new revision supersede one in analysis).
   */
  private async claim(key: ServiceKey, what: string, supersede: boolean): Promise<{ claim: Claim; release: () => void }> {
    const k = `${key.environment}/${key.service}`;
    const current = this.busy.get(k);
    if (current?.analysing && supersede) {
      current.cut.abort();
      await current.ended;
    }
    const holder = this.busy.get(k);
    if (holder) throw new NexusError('DEPLOY_BUSY', `${key.service} in '${key.environment}' is busy: ${holder.what}; wait for it to finish or roll back`);
    let end!: () => void;
    const claim: Claim = { what, analysing: false, cut: new AbortController(), ended: new Promise((r) => (end = r)) };
    this.busy.set(k, claim);
    return { claim, release: () => (this.busy.delete(k), end()) };
  }

  private event(kind: AlertEvent['kind'], r: DeploymentRecord, extra: Partial<AlertEvent> = {}): AlertEvent {
    return { kind, at: new Date().toISOString(), environment: r.environment, service: r.service, deployment: r.id, revision: r.revision, commit: r.commit, ref: r.ref, actor: r.creator, url: r.url, ...extra };
  }

  /**
   * Ends a release or rollback that did not put its revision live: the candidate is stopped (unless it is the one
   * serving), the record gets `failure` with the reason, and deploy_failed goes out. Never leaves it in_progress.
   */
  private async failed(id: number, reason: string, o: { targets: ResolvedTarget[]; log: (line: string) => void; serviceUrl: string; liveRevision?: number; stop?: number }): Promise<DeployOutcome> {
    const { provider, repo, notifier } = this.o;
    const record = (await repo.get(id))!;
    if (o.stop !== undefined && o.stop !== o.liveRevision) await provider.stopRevision(record, o.stop).catch(() => undefined);
    const done = await repo.addStatus(id, 'failure', reason);
    o.log(`deployment #${id} failed: ${reason}`);
    notifier.notify(o.targets, this.event('deploy_failed', done, { reason }));
    return { conclusion: 'failure', deployment: done, serviceUrl: o.serviceUrl, liveRevision: o.liveRevision };
  }

  async deploy(req: DeployRequest, hooks: DeployHooks = {}): Promise<DeployOutcome> {
    const { claim, release } = await this.claim(req, 'a release is in progress', true);
    try {
      return await this.release(req, hooks, claim);
    } finally {
      release();
    }
  }

  private async release(req: DeployRequest, hooks: DeployHooks, claim: Claim): Promise<DeployOutcome> {
    const { provider, repo, notifier } = this.o;
    const log = hooks.log ?? (() => undefined);
    const key: ServiceKey = { environment: req.environment, service: req.service };
    const serviceUrl = await provider.serviceUrl(key, req.port);
    const digest = req.artifact ? artifactDigest(req.artifact) : undefined;
    const record = await repo.create({ ...key, kind: 'deploy', commit: req.commit, ref: req.ref, runId: req.runId, artifactDigest: digest, creator: req.actor, approver: req.approver, url: req.url ?? serviceUrl, reason: 'release requested' });
    const rev = record.revision;
    const live = (await provider.listRevisions(key)).find((r) => r.state === 'live')?.spec.revision;
    const notify = (e: AlertEvent) => notifier.notify(req.notifications, e);
    const fail = (reason: string, stop: boolean) => this.failed(record.id, reason, { targets: req.notifications, log, serviceUrl, liveRevision: live, stop: stop ? rev : undefined });

    // Whatever goes wrong from here on, the record must not stay in_progress.
    try {
      log(`deployment #${record.id}: ${req.service} revision ${rev} to '${req.environment}' (${serviceUrl}, live: ${live ? `revision ${live}` : 'none'})`);
      notify(this.event('deploy_started', record));
      await repo.addStatus(record.id, 'in_progress', `starting revision ${rev}`);
      let cwd = req.workspace;
      if (req.artifact) {
        cwd = join(this.o.dataDir, 'deploy', 'releases', req.environment, req.service, String(rev));
        installArtifact(req.artifact, cwd);
      }
      const spec: RevisionSpec = {
        ...key,
        revision: rev,
        command: req.command,
        cwd,
        healthPath: req.healthPath,
        commit: req.commit,
        artifactDigest: digest,
        env: { ...req.variables, NEXUS_ENVIRONMENT: req.environment, NEXUS_SERVICE: req.service, NEXUS_REVISION: String(rev), ...(req.commit ? { NEXUS_COMMIT: req.commit } : {}) },
        secretNames: Object.keys(req.secrets ?? {}),
      };
      let started: RevisionInfo;
      try {
        started = await provider.startRevision(spec, req.secrets ?? {});
      } catch (e) {
        return fail((e as Error).message, false);
      }
      log(`revision ${rev} started at ${started.endpoint}; waiting for ${req.healthPath} to pass`);
      const healthy = await provider
        .waitHealthy(key, rev, { intervalMs: STARTUP_PROBE_MS, probeTimeoutMs: req.analysis.probeTimeoutMs, timeoutMs: req.startupTimeoutMs, signal: hooks.signal })
        .catch((e: Error) => ({ ok: false, detail: hooks.signal?.aborted ? 'cancelled' : e.message }));
      if (!healthy.ok) return fail(`revision ${rev} never became healthy (${healthy.detail}); it got no traffic${live ? `, revision ${live} keeps serving` : ''}`, true);
      log(`revision ${rev} is healthy`);
      if (req.smokeTest) {
        const smoke = await runSmokeTest(req.smokeTest, { cwd: req.workspace, targetUrl: started.endpoint!, timeoutMs: req.smokeTimeoutMs, env: { ...spec.env, ...req.secrets }, log, signal: hooks.signal });
        if (!smoke.ok) return fail(`smoke test failed against revision ${rev} (${smoke.detail}); it got no traffic${live ? `, revision ${live} keeps serving` : ''}`, true);
        log('smoke test passed');
      }
      if (hooks.signal?.aborted) return fail('cancelled before the switch', true);

      const switchedAt = Date.now();
      const previous = await provider.switchTraffic(key, rev);
      const s = req.analysis;
      const analysis: AnalysisRecord = {
        verdict: 'running',
        startedAt: new Date(switchedAt).toISOString(),
        endsAt: new Date(switchedAt + s.durationMs + s.rollbackWindowMs).toISOString(),
        previousRevision: previous,
        settings: s,
        figures: figuresFrom(provider.traffic(key, rev, s.windowMs, switchedAt), 0),
        measurements: [],
      };
      // Whenever a record says `analysing`, a restarted daemon finds where to announce its conclusion.
      keepTargets(this.o.dataDir, record.id, req.notifications);
      await repo.update(record.id, { analysis });
      const switched = await repo.addStatus(record.id, 'in_progress', `traffic switched to revision ${rev}${previous ? ` from revision ${previous}` : ''}; analysing until ${analysis.endsAt}`);
      log(`traffic switched to revision ${rev}; analysing until ${analysis.endsAt}${previous ? ` (revision ${previous} stays warm until then)` : ''}`);
      hooks.onSwitched?.(switched, serviceUrl);
      claim.what = `deployment #${record.id} is analysing revision ${rev}`;
      claim.analysing = true;
      return await this.analyseAndConclude(switched, req.notifications, log, serviceUrl, claim.cut.signal);
    } catch (e) {
      return fail(`stopped by an error: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  /** Runs the analysis of a switched release to its end and concludes it; also resumes one after a restart. */
  async analyseAndConclude(record: DeploymentRecord, targets: ResolvedTarget[], log: (line: string) => void, serviceUrl: string, cut?: AbortSignal): Promise<DeployOutcome> {
    this.analysing.set(record.id, targets);
    try {
      return await this.conclude(record, targets, log, serviceUrl, cut);
    } finally {
      this.analysing.delete(record.id);
      forgetTargets(this.o.dataDir, record.id);
    }
  }

  /** The secret values the notification targets of each release under analysis need, for the daemon replacing this one. */
  notificationSecrets(): Handover['notifications'] {
    return Object.fromEntries([...this.analysing].map(([id, targets]) => [String(id), secretValues(targets)]));
  }

  private async conclude(record: DeploymentRecord, targets: ResolvedTarget[], log: (line: string) => void, serviceUrl: string, cut?: AbortSignal): Promise<DeployOutcome> {
    const { provider, repo, notifier } = this.o;
    const key: ServiceKey = { environment: record.environment, service: record.service };
    const analysis = record.analysis!;
    const s = analysis.settings;
    const rev = record.revision;
    const previous = analysis.previousRevision;
    const result = await this.analyse(record.id, key, rev, s, analysis, cut);
    const notify = (e: AlertEvent) => notifier.notify(targets, e);
    const breach: Breach | undefined = result.breach ?? (result.verdict.verdict === 'failed' ? { rule: 'no-traffic', reason: result.verdict.reason } : undefined);
    const at = new Date().toISOString();
    if (breach) {
      await repo.update(record.id, { analysis: { ...result.record, verdict: 'failed', rule: breach.rule, reason: breach.reason, figures: result.figures } });
      if (previous === undefined || !(await provider.listRevisions(key)).some((r) => r.spec.revision === previous && r.state !== 'stopped')) {
        const failed = await repo.addStatus(record.id, 'failure', `analysis failed at ${at} (${breach.rule}): ${breach.reason}; no previous revision is running, so revision ${rev} keeps serving`);
        log(`analysis failed (${breach.rule}): ${breach.reason}; nothing to roll back to`);
        notify(this.event('deploy_failed', failed, { reason: breach.reason, rule: breach.rule, figures: result.figures }));
        return { conclusion: 'failure', deployment: failed, serviceUrl, liveRevision: rev };
      }
      await provider.switchTraffic(key, previous);
      log(`analysis breach (${breach.rule}): ${breach.reason}; traffic switched back to revision ${previous}`);
      const rolled = await repo.addStatus(record.id, 'rolled_back', `automatic rollback at ${at} (${breach.rule}): ${breach.reason}; traffic back on revision ${previous}`);
      const rollback = await this.recordRollback(key, previous, record, 'nexus (automatic)', `automatic rollback of deployment #${record.id} (${breach.rule}): ${breach.reason}`);
      notify(this.event('deploy_rolled_back', rolled, { rule: breach.rule, reason: breach.reason, figures: result.figures, restoredRevision: previous }));
      await provider.stopRevision(key, rev).catch(() => undefined);
      return { conclusion: 'failure', deployment: (await repo.get(record.id))!, rollback, serviceUrl, liveRevision: previous };
    }
    await repo.update(record.id, { analysis: { ...result.record, verdict: result.verdict.verdict === 'passed' ? 'passed' : 'inconclusive', reason: result.verdict.reason, figures: result.figures } });
    if (previous !== undefined && previous !== rev) await provider.stopRevision(key, previous).catch(() => undefined);
    await this.retireOlder(key, record.id);
    const done = await repo.addStatus(record.id, 'success', `analysis ${result.verdict.verdict}: ${result.verdict.reason}${previous ? `; revision ${previous} stopped` : ''}`);
    log(`deployment #${record.id} succeeded: analysis ${result.verdict.verdict} (${result.verdict.reason})`);
    notify(this.event('deploy_succeeded', done, { reason: `analysis ${result.verdict.verdict}: ${result.verdict.reason}`, figures: result.figures }));
    return { conclusion: 'success', deployment: done, serviceUrl, liveRevision: rev };
  }

  private async analyse(id: number, key: ServiceKey, rev: number, s: AnalysisSettings, record: AnalysisRecord, cut?: AbortSignal) {
    const { provider, repo } = this.o;
    const since = Date.parse(record.startedAt);
    const endsAt = Date.parse(record.endsAt);
    let consecutive = 0;
    let judged = false;
    let lastProbe = 0;
    let lastSampled = 0;
    let lastSaved = 0;
    let figures: AnalysisFigures = record.figures;
    const measurements = [...record.measurements];
    // The record's samples span the whole analysis (a resumed one continues at the same pace).
    const sampleEveryMs = Math.max(s.evaluateEveryMs, (endsAt - since) / MEASUREMENTS);
    for (;;) {
      const now = Date.now();
      if (now - lastProbe >= s.probeIntervalMs) {
        lastProbe = now;
        const p = await provider.health(key, rev, s.probeTimeoutMs);
        consecutive = p.ok ? 0 : consecutive + 1;
      }
      figures = figuresFrom(provider.traffic(key, rev, s.windowMs, since), consecutive);
      if (hasEnoughTraffic(s, figures)) judged = true;
      const breach = findBreach(s, figures);
      const finished = Date.now() >= endsAt || !!cut?.aborted;
      const last = breach || finished;
      if (last || now - lastSampled >= sampleEveryMs) {
        lastSampled = now;
        measurements.push({ at: new Date().toISOString(), ...figures });
      }
      // The record on disk follows at most once a second: a fast evaluation pace need not rewrite it each time.
      if (last || now - lastSaved >= 1000) {
        lastSaved = now;
        await repo.update(id, { analysis: { ...record, figures, measurements } });
      }
      const current = { ...record, figures, measurements };
      if (breach) return { breach, figures, record: current, verdict: closingVerdict(s, judged) };
      // Cut short by a newer release: too little traffic is inconclusive whatever the policy (nothing to roll back for).
      if (cut?.aborted) return { figures, record: current, verdict: judged ? closingVerdict(s, true) : { verdict: 'inconclusive' as const, reason: 'a newer release ended the analysis before the window held enough requests' } };
      if (finished) return { figures, record: current, verdict: closingVerdict(s, judged) };
      const nextProbe = lastProbe + s.probeIntervalMs - Date.now();
      await sleep(Math.max(5, Math.min(s.evaluateEveryMs, nextProbe, endsAt - Date.now())), undefined, { signal: cut }).catch(() => undefined);
    }
  }

  /** A rollback is a deployment of its own: it puts `revision` back and points at the one it undoes. */
  private async recordRollback(key: ServiceKey, revision: number, undone: DeploymentRecord, creator: string, reason: string): Promise<DeploymentRecord> {
    const { repo } = this.o;
    const original = (await repo.list(key)).find((r) => r.revision === revision && r.kind === 'deploy');
    const rb = await repo.create({ ...key, kind: 'rollback', revision, rollbackOf: undone.id, commit: original?.commit, ref: original?.ref, runId: undone.runId, artifactDigest: original?.artifactDigest, creator, url: undone.url, reason });
    await repo.addStatus(rb.id, 'in_progress', `switching traffic to revision ${revision}`);
    await this.retireOlder(key, rb.id);
    return await repo.addStatus(rb.id, 'success', `revision ${revision} is live again`);
  }

  /** As GitHub's auto_inactive: a new live deployment marks earlier successful ones inactive. */
  private async retireOlder(key: ServiceKey, newId: number): Promise<void> {
    for (const r of await this.o.repo.list(key)) {
      if (r.id !== newId && currentState(r) === 'success') await this.o.repo.addStatus(r.id, 'inactive', `superseded by deployment #${newId}`);
    }
  }

  /**
   * What `rollback` would do: from the live revision to `to` (default: the newest earlier revision that succeeded).
   * `givenSecrets` names the secrets the caller brings for a restart.
   */
  async planRollback(key: ServiceKey, to?: number, givenSecrets: string[] = []): Promise<RollbackPlan> {
    const { provider, repo } = this.o;
    const revisions = await provider.listRevisions(key);
    if (!revisions.length) throw new NexusError('SERVICE_UNKNOWN', `nothing has been deployed for ${key.service} in '${key.environment}'`, { exitCode: 2 });
    const live = revisions.find((r) => r.state === 'live');
    const history = await repo.list(key);
    const wasGood = (rev: number) => history.some((r) => r.revision === rev && r.kind === 'deploy' && r.statuses.some((s) => s.state === 'success'));
    const target = to !== undefined ? revisions.find((r) => r.spec.revision === to) : revisions.find((r) => r.spec.revision !== live?.spec.revision && wasGood(r.spec.revision));
    if (!target) {
      throw new NexusError('ROLLBACK_TARGET', to !== undefined ? `${key.service} in '${key.environment}' has no revision ${to} (known: ${revisions.map((r) => r.spec.revision).join(', ')})` : `${key.service} in '${key.environment}' has no earlier successful revision to roll back to`, { exitCode: 2 });
    }
    if (target.spec.revision === live?.spec.revision) throw new NexusError('ROLLBACK_TARGET', `revision ${to} is already live`, { exitCode: 2 });
    const fromRecord = history.find((r) => r.revision === live?.spec.revision && currentState(r) === 'success');
    const toRecord = history.find((r) => r.revision === target.spec.revision && r.kind === 'deploy');
    const warm = target.state === 'ready' || target.state === 'live';
    const changes = [
      `revision: ${live?.spec.revision ?? 'none'} -> ${target.spec.revision}`,
      `commit: ${live?.spec.commit ?? '-'} -> ${target.spec.commit ?? '-'}`,
      `artifact: ${live?.spec.artifactDigest ?? '-'} -> ${target.spec.artifactDigest ?? '-'}`,
      live?.spec.command !== target.spec.command ? `command: ${live?.spec.command ?? '-'} -> ${target.spec.command}` : `command: unchanged (${target.spec.command})`,
      warm ? `revision ${target.spec.revision} is still running: traffic switches at once` : `revision ${target.spec.revision} is stopped: it is started from ${target.spec.cwd} and must pass ${target.spec.healthPath} first`,
      live ? `revision ${live.spec.revision} is stopped after its requests finish` : 'no revision is live now',
    ];
    const missing = warm ? [] : provider.missingSecrets(target.spec, givenSecrets);
    const warnings = missing.length
      ? [`revision ${target.spec.revision} needs secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} to start, which the deploy daemon does not hold (secret values are never stored, so a restarted daemon has none) and this rollback does not bring: set ${missing.length > 1 ? 'them' : 'it'} where nexus rollback runs, or the rollback fails`]
      : [];
    return { ...key, from: live ? { revision: live.spec.revision, deployment: fromRecord } : undefined, to: { revision: target.spec.revision, deployment: toRecord, warm, spec: target.spec }, changes, warnings };
  }

  async rollback(key: ServiceKey, to: number | undefined, actor: string, o: { notifications: ResolvedTarget[]; secrets?: Record<string, string>; startupTimeoutMs: number; probeTimeoutMs: number; log?: (line: string) => void }): Promise<DeployOutcome> {
    const { release } = await this.claim(key, 'a rollback is in progress', false);
    try {
      const { provider, repo, notifier } = this.o;
      const log = o.log ?? (() => undefined);
      const plan = await this.planRollback(key, to, Object.keys(o.secrets ?? {}));
      const serviceUrl = await provider.serviceUrl(key);
      const target = plan.to.revision;
      const undone = plan.from?.deployment;
      const original = plan.to.deployment;
      const rb = await repo.create({ ...key, kind: 'rollback', revision: target, rollbackOf: undone?.id, commit: original?.commit, ref: original?.ref, runId: undone?.runId ?? original?.runId, artifactDigest: original?.artifactDigest, creator: actor, url: undone?.url ?? original?.url ?? serviceUrl, reason: `manual rollback to revision ${target} by ${actor}` });
      const keeps = `revision ${plan.from?.revision ?? 'none'} keeps serving`;
      const fail = (reason: string, started: boolean) => this.failed(rb.id, reason, { targets: o.notifications, log, serviceUrl, liveRevision: plan.from?.revision, stop: started ? target : undefined });
      let started = false;
      // Whatever goes wrong from here on, the rollback record must not stay in_progress.
      try {
        await repo.addStatus(rb.id, 'in_progress', plan.to.warm ? `revision ${target} is warm; switching` : `restarting revision ${target}`);
        if (!plan.to.warm) {
          try {
            await provider.startRevision(plan.to.spec, o.secrets);
          } catch (e) {
            return await fail(`revision ${target} could not start (${(e as Error).message}); ${keeps}`, false);
          }
          started = true;
          const healthy = await provider.waitHealthy(key, target, { intervalMs: STARTUP_PROBE_MS, probeTimeoutMs: o.probeTimeoutMs, timeoutMs: o.startupTimeoutMs });
          if (!healthy.ok) return await fail(`revision ${target} did not become healthy (${healthy.detail}); ${keeps}`, true);
        }
        await provider.switchTraffic(key, target);
        log(`traffic switched to revision ${target}`);
        if (plan.from) await provider.stopRevision(key, plan.from.revision).catch(() => undefined);
        if (undone) await repo.addStatus(undone.id, 'rolled_back', `rolled back by ${actor} to revision ${target} (deployment #${rb.id})`);
        await this.retireOlder(key, rb.id);
        const done = await repo.addStatus(rb.id, 'success', `revision ${target} is live${plan.from ? `; revision ${plan.from.revision} stopped` : ''}`);
        notifier.notify(o.notifications, this.event('deploy_rolled_back', done, { actor, reason: `manual rollback by ${actor}`, restoredRevision: target }));
        return { conclusion: 'success', deployment: done, serviceUrl, liveRevision: target };
      } catch (e) {
        return await fail(`stopped by an error: ${e instanceof Error ? e.message : String(e)}; ${keeps}`, started);
      }
    } finally {
      release();
    }
  }
}
