/** The host environment step processes inherit: this process's, less what would leak our own context. */

/**
 * NODE_TEST_CONTEXT marks a child of node's test runner: a `node --test` inside a step would then
 * report to us instead of running its tests, and pass with nothing run.
 */
const NOT_INHERITED = new Set(['NODE_TEST_CONTEXT']);

export function hostEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !NOT_INHERITED.has(k)) out[k] = v;
  return out;
}
