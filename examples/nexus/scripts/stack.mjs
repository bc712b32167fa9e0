// Starts the five services together on OS-chosen ports, each pointed at its neighbours, from the source tree
// (built) or from deployable bundles. Used by the integration tests and for local E2E runs.
//   node scripts/stack.mjs [--bundles DIR]    prints each service's URL, runs until Ctrl-C
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVICES = JSON.parse(readFileSync(join(ROOT, "services.json"), "utf8"));
const START_TIMEOUT_MS = 15_000;

/** Where each service runs from: its source folder, or bundles/<service>/ made by build-bundle.sh. */
export const serviceDir = (name, bundles) => (bundles ? join(resolve(bundles), name) : join(ROOT, "services", name));

function startService(name, dir, env) {
  const [command, ...args] = SERVICES[name].start;
  const child = spawn(command, args, { cwd: dir, env: { ...process.env, ...env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function fail(reason) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${name} (${dir}): ${reason}\n${stderr}`));
    }
    child.on("exit", (code) => fail(`exited with ${code} before listening`));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /^listening on (http:\/\/\S+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolvePromise({ name, url: match[1], process: child });
    });
  });
}

async function stop(service) {
  if (service.process.exitCode !== null || service.process.signalCode !== null) return;
  const exited = new Promise((done) => service.process.once("exit", done));
  service.process.kill("SIGTERM");
  const timer = setTimeout(() => service.process.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** Starts every service in dependency order; resolves to { urls, services, stop(name?) }. */
export async function startStack({ bundles } = {}) {
  const started = {};
  const pending = Object.keys(SERVICES);
  try {
    while (pending.length) {
      const ready = pending.filter((name) => Object.values(SERVICES[name].env ?? {}).every((dep) => started[dep]));
      if (!ready.length) throw new Error(`services.json has a dependency cycle among: ${pending.join(", ")}`);
      const wave = await Promise.all(
        ready.map((name) => {
          const env = Object.fromEntries(Object.entries(SERVICES[name].env ?? {}).map(([key, dep]) => [key, started[dep].url]));
          return startService(name, serviceDir(name, bundles), env);
        }),
      );
      for (const service of wave) {
        started[service.name] = service;
        pending.splice(pending.indexOf(service.name), 1);
      }
    }
  } catch (error) {
    await Promise.all(Object.values(started).map(stop));
    throw error;
  }
  return {
    urls: Object.fromEntries(Object.values(started).map((service) => [service.name, service.url])),
    stop: (name) => Promise.all(Object.values(started).filter((s) => !name || s.name === name).map(stop)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const index = process.argv.indexOf("--bundles");
  const stack = await startStack({ bundles: index > 0 ? process.argv[index + 1] : undefined });
  for (const [name, url] of Object.entries(stack.urls)) console.log(`${name} ${url}`);
  const shutdown = () => stack.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
