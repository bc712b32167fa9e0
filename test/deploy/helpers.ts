/** Shared set-up for release tests: a supervisor on a temp data folder, fast settings, a request loop. */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/cli.js';
import { LocalSupervisor } from '../../src/deploy/local-supervisor.js';
import { DEFAULT_ANALYSIS, type AnalysisSettings } from '../../src/deploy/analysis.js';
import type { DeployOutcome, DeployRequest } from '../../src/deploy/blue-green.js';

export const serviceScript = fileURLToPath(new URL('./fixtures/service.js', import.meta.url));
export const serviceCommand = (options = '') => `exec node ${serviceScript} ${options}`;

/** Analysis windows shortened for tests: 1 s of analysis, 300 ms of rollback window, 100 ms probes. */
export const FAST: AnalysisSettings = {
  ...DEFAULT_ANALYSIS,
  durationMs: 1000,
  rollbackWindowMs: 300,
  probeIntervalMs: 100,
  probeTimeoutMs: 500,
  windowMs: 2000,
  minRequests: 20,
  evaluateEveryMs: 50,
};

/** No analysis to speak of: for releases that only set the scene. */
export const QUICK: AnalysisSettings = { ...FAST, durationMs: 0, rollbackWindowMs: 0 };

export async function openSupervisor(): Promise<{ supervisor: LocalSupervisor; dataDir: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = tempDir('nexus-deploy-');
  const supervisor = await LocalSupervisor.open(dir, { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 2000 } });
  return {
    supervisor,
    dataDir: dir,
    cleanup: async () => {
      await supervisor.close(true);
      cleanup();
    },
  };
}

/** Runs `body` with a supervisor whose staging/web has revision 1 live; cleans up after. */
export async function withLiveService(body: (s: { supervisor: LocalSupervisor; dataDir: string; first: DeployOutcome }) => Promise<void>): Promise<void> {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  try {
    const first = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: QUICK }));
    await body({ supervisor, dataDir, first });
  } finally {
    await cleanup();
  }
}

export function releaseRequest(workspace: string, overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    environment: 'staging',
    service: 'web',
    command: serviceCommand(),
    workspace,
    actor: 'tester',
    healthPath: '/health',
    smokeTimeoutMs: 10_000,
    startupTimeoutMs: 10_000,
    analysis: FAST,
    variables: {},
    notifications: [],
    ...overrides,
  };
}

export interface LoadResult {
  ok: number;
  failed: number;
  failures: string[];
  byRevision: Map<string, number>;
  /** Revision that answered each request, in order of completion. */
  sequence: string[];
}

/** Keeps `concurrency` keep-alive clients requesting `url` until stopped. */
export function requestLoop(url: string, concurrency = 4): { stop: () => Promise<LoadResult> } {
  const agent = new http.Agent({ keepAlive: true });
  const result: LoadResult = { ok: 0, failed: 0, failures: [], byRevision: new Map(), sequence: [] };
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => {
            const rev = String(res.headers['x-nexus-revision']);
            result.byRevision.set(rev, (result.byRevision.get(rev) ?? 0) + 1);
            result.sequence.push(rev);
            if (res.statusCode === 200) result.ok++;
            else {
              result.failed++;
              result.failures.push(`HTTP ${res.statusCode} from revision ${rev}`);
            }
            resolve();
          });
        })
        .on('error', (e) => {
          result.failed++;
          result.failures.push(e.message);
          resolve();
        });
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) await one();
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
