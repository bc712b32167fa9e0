// Builds one service's deployable bundle: what its Docker image would hold, as a plain folder the deployer can
// start as a process (no container engine here). With a container engine on PATH it also builds the image.
//   node scripts/build-bundle.mjs SERVICE [OUT_DIR]      (OUT_DIR defaults to bundles/)
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SERVICES, serviceDir } from "./stack.mjs";

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
}

/** A docker CLI without a daemon behind it is common (it is here): only a daemon that answers counts. */
function containerEngineRuns() {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Expands the manifest's bundle entries: exact names, or `*.ext` for every file with that ending. */
function bundleEntries(dir, patterns) {
  return patterns.flatMap((pattern) => {
    if (!pattern.startsWith("*")) return [pattern];
    return readdirSync(dir).filter((file) => file.endsWith(pattern.slice(1)));
  });
}

export function buildBundle(name, outRoot) {
  const manifest = SERVICES[name];
  if (!manifest) throw new Error(`unknown service "${name}"; services.json lists: ${Object.keys(SERVICES).join(", ")}`);
  const source = serviceDir(name);
  if (manifest.build) {
    if (!existsSync(join(source, "node_modules"))) run("npm", ["ci", "--no-audit", "--no-fund"], source);
    run(manifest.build[0], manifest.build.slice(1), source);
  }
  const out = join(resolve(outRoot), name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const entry of bundleEntries(source, manifest.bundle)) {
    // dereference: the Python services link to libs/python; the bundle must hold the real file.
    cpSync(join(source, entry), join(out, entry), { recursive: true, dereference: true });
  }
  writeFileSync(
    join(out, "nexus-bundle.json"),
    JSON.stringify({ service: name, start: manifest.start, healthCheckPath: "/health", env: manifest.env ?? {} }, null, 2) + "\n",
  );
  // The image is built from the bundle, so it holds exactly what a process deployment runs.
  if (containerEngineRuns()) run("docker", ["build", "-t", `nexus-${name}:local`, "-f", join(source, "Dockerfile"), out], out);
  else console.log(`${name}: no container engine answers (docker info failed), so the bundle is the deployable`);
  return out;
}

const [name, outRoot = "bundles"] = process.argv.slice(2);
if (!name) {
  console.error("usage: node scripts/build-bundle.mjs SERVICE [OUT_DIR]");
  process.exit(2);
}
try {
  console.log(`${name}: bundle at ${buildBundle(name, outRoot)}`);
} catch (error) {
  console.error(`build-bundle: ${error.message}`);
  process.exit(1);
}
