// Where the back-end services live, read once from the environment so each deployment can point elsewhere.
export interface Config {
  host: string;
  port: number;
  bmadUrl: string;
  executionUrl: string;
  upstreamTimeoutMs: number;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (!URL.canParse(value) || !["http:", "https:"].includes(new URL(value).protocol)) {
    throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return new URL(value).toString().replace(/\/$/, "");
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    host: env.HOST ?? "127.0.0.1",
    port,
    bmadUrl: url(env, "BMAD_URL", "http://127.0.0.1:8001"),
    executionUrl: url(env, "EXECUTION_URL", "http://127.0.0.1:8002"),
    upstreamTimeoutMs: Number(env.UPSTREAM_TIMEOUT_MS ?? 15000),
  };
}
