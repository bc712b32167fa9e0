/**
 * Everything that runs releases for one data folder on this machine: the local target (proxies + processes),
 * the deployment records, notifications and the blue/green logic. The daemon hosts one; tests may host one
 * in-process.
 */
import { Notifier, resolveTargets } from '../alerts/notifier.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../alerts/delivery.js';
import { BlueGreen } from './blue-green.js';
import { LocalTarget } from './local-target.js';
import { FileDeploymentRepository } from './repository.js';
import { currentState } from './records.js';
import { emptyHandover, keptTargets, type Handover } from './handover.js';

export class LocalSupervisor {
  readonly target: LocalTarget;
  readonly repo: FileDeploymentRepository;
  readonly notifier: Notifier;
  readonly releases: BlueGreen;
  private readonly resumed: Promise<unknown>[] = [];

  private constructor(readonly dataDir: string, private readonly log: (line: string) => void, retry: RetryPolicy) {
    this.target = new LocalTarget(dataDir, { log });
    this.repo = new FileDeploymentRepository(dataDir);
    this.notifier = new Notifier(dataDir, retry, log);
    this.releases = new BlueGreen({ dataDir, provider: this.target, repo: this.repo, notifier: this.notifier });
  }

  /**
   * Adopts or restarts what a previous supervisor left running and settles releases it left unfinished, with the
   * secret values handed over (from the daemon this one replaces, or the client that started it).
   */
  static async open(dataDir: string, o: { log?: (line: string) => void; retry?: RetryPolicy; handover?: Handover } = {}): Promise<LocalSupervisor> {
    const log = o.log ?? (() => undefined);
    const handover = o.handover ?? emptyHandover();
    const s = new LocalSupervisor(dataDir, log, o.retry ?? DEFAULT_RETRY);
    s.target.hold(handover.revisions);
    for (const note of await s.target.restore()) log(note);
    await s.settleInterrupted(handover.notifications);
    return s;
  }

  /**
   * A release that had switched traffic resumes its analysis for the time left and announces its conclusion to its
   * kept targets (a target whose secret was not handed over is skipped, and the log says so); one that had not
   * switched is marked failed and its candidate stopped.
   */
  private async settleInterrupted(secrets: Handover['notifications']): Promise<void> {
    for (const record of await this.repo.list()) {
      if (currentState(record) !== 'in_progress' && currentState(record) !== 'queued') continue;
      const key = { environment: record.environment, service: record.service };
      const revisions = await this.target.listRevisions(key);
      const live = revisions.find((r) => r.state === 'live')?.spec.revision;
      if (record.analysis?.verdict === 'running' && live === record.revision) {
        this.log(`resuming analysis of deployment #${record.id} until ${record.analysis.endsAt}`);
        const url = await this.target.serviceUrl(key);
        const values = secrets[String(record.id)] ?? {};
        const targets = resolveTargets(keptTargets(this.dataDir, record.id), (n) => values[n], (m) => this.log(`deployment #${record.id}: ${m} (secret values do not survive a daemon restart, and neither the daemon replaced nor the client that started this one gave it)`));
        this.resumed.push(this.releases.analyseAndConclude(record, targets, this.log, url).catch((e: Error) => this.log(`resumed analysis of #${record.id} failed: ${e.message}`)));
        continue;
      }
      if (revisions.some((r) => r.spec.revision === record.revision && r.state !== 'stopped' && r.state !== 'live')) {
        await this.target.stopRevision(key, record.revision).catch(() => undefined);
      }
      await this.repo.addStatus(record.id, 'failure', `interrupted: the deploy supervisor restarted before traffic moved to revision ${record.revision}`);
    }
  }

  async close(stopServices = false): Promise<void> {
    await this.target.close(stopServices);
  }
}
