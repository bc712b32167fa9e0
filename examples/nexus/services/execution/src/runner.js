// Runs one untrusted snippet in a child process with a wall-clock limit and capped output.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";

export const LANGUAGES = {
  python: { command: process.env.PYTHON ?? "python3", args: ["-I", "-"] },
  javascript: { command: process.execPath, args: ["--max-old-space-size=64", "-"] },
};

export const LIMITS = { defaultTimeoutMs: 2000, maxTimeoutMs: 10000, maxOutputBytes: 64 * 1024, maxCodeBytes: 64 * 1024 };

export class SnippetError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

export function validateRequest(body) {
  if (body === null || typeof body !== "object") throw new SnippetError("body", "a JSON object is required");
  const { language, code, timeoutMs = LIMITS.defaultTimeoutMs } = body;
  if (!Object.hasOwn(LANGUAGES, language)) {
    throw new SnippetError("language", `language must be one of: ${Object.keys(LANGUAGES).join(", ")}`);
  }
  if (typeof code !== "string" || code.length === 0) throw new SnippetError("code", "code must be a non-empty string");
  if (Buffer.byteLength(code) > LIMITS.maxCodeBytes) {
    throw new SnippetError("code", `code must be at most ${LIMITS.maxCodeBytes} bytes`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > LIMITS.maxTimeoutMs) {
    throw new SnippetError("timeoutMs", `timeoutMs must be an integer from 1 to ${LIMITS.maxTimeoutMs}`);
  }
  return { language, code, timeoutMs };
}

function capture(stream) {
  const chunks = [];
  let size = 0;
  let truncated = false;
  stream.on("data", (chunk) => {
    const room = LIMITS.maxOutputBytes - size;
    if (chunk.length > room) truncated = true;
    if (room > 0) {
      chunks.push(chunk.subarray(0, room));
      size += Math.min(room, chunk.length);
    }
  });
  return () => ({ text: Buffer.concat(chunks).toString("utf8"), truncated });
}

export async function runSnippet({ language, code, timeoutMs }) {
  const { command, args } = LANGUAGES[language];
  const workdir = await mkdtemp(join(tmpdir(), "nexus-exec-"));
  const started = performance.now();
  try {
    // detached puts the snippet in its own process group, so a timeout also ends anything it forked.
    const child = spawn(command, args, {
      cwd: workdir,
      detached: true,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workdir, LANG: "C.UTF-8" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout = capture(child.stdout);
    const stderr = capture(child.stderr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is already gone: it exited between the timer firing and the kill.
      }
    }, timeoutMs);
    child.stdin.on("error", () => {});
    child.stdin.end(code);
    const exitCode = await new Promise((resolve, reject) => {
      child.on("error", reject);
      // A signalled process reports 128 + the signal number, as a shell would.
      child.on("close", (status, signal) => resolve(status ?? 128 + (constants.signals[signal] ?? 0)));
    }).finally(() => clearTimeout(timer));
    const out = stdout();
    const err = stderr();
    return {
      stdout: out.text,
      stderr: err.text,
      exitCode,
      timedOut,
      truncated: out.truncated || err.truncated,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}
