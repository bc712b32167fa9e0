/**
 * Reports the deployment records kept in this runner's data folder to the server. The deploy daemon goes on
 * changing a record after its job ends (analysis, rollback, superseded), so the folder is read on every tick
 * and each record is sent again whenever it changed. The origin names the folder, so records of different
 * runner hosts never mix; runners sharing one folder send the same records, which the server takes once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileDeploymentRepository } from '../deploy/repository.js';
import { sleep } from './backoff.js';
import type { RunnerClient } from './client.js';

export class DeploymentReporter {
  private readonly sent = new Map<number, string>();
  private readonly repository: FileDeploymentRepository;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: RunnerClient,
    private readonly dataDir: string,
  ) {
    this.repository = new FileDeploymentRepository(dataDir);
  }

  private origin(): string {
    const file = join(this.dataDir, 'deploy', 'origin');
    if (!existsSync(file)) {
      // Written aside and linked into place: runners sharing the folder agree on the first one to land.
      mkdirSync(join(this.dataDir, 'deploy'), { recursive: true });
      const temp = `${file}.${randomUUID()}`;
      writeFileSync(temp, `${randomUUID()}\n`);
      try {
        linkSync(temp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        rmSync(temp, { force: true });
      }
    }
    return readFileSync(file, 'utf8').trim();
  }

  /** Sends what changed since the last report; one report at a time. */
  report(signal?: AbortSignal): Promise<void> {
    this.running = this.running.catch(() => undefined).then(async () => {
      const changed = (await this.repository.list()).map((r) => [r, JSON.stringify(r)] as const).filter(([r, text]) => this.sent.get(r.id) !== text);
      if (changed.length === 0) return;
      // Oldest first: a rollback is stored after the deployment it undoes.
      const records = changed.map(([r]) => r).reverse();
      await this.client.call('/deployments', { origin: this.origin(), records }, { signal });
      for (const [r, text] of changed) this.sent.set(r.id, text);
    });
    return this.running;
  }

  /** Reports every `intervalMs` until `signal` aborts; failures are retried on the next tick. */
  async loop(intervalMs: number, signal: AbortSignal, log: (message: string) => void): Promise<void> {
    while (!signal.aborted) {
      await this.report(signal).catch((e) => signal.aborted || log(`reporting deployments failed: ${e instanceof Error ? e.message : String(e)}`));
      await sleep(intervalMs, signal);
    }
  }
}
