import { describe, expect, it } from "vitest";
import { LIMITS, runSnippet, SnippetError, validateRequest } from "../src/runner.js";

describe("validateRequest", () => {
  it("fills in the default time limit", () => {
    expect(validateRequest({ language: "python", code: "print(1)" })).toEqual({
      language: "python",
      code: "print(1)",
      timeoutMs: LIMITS.defaultTimeoutMs,
    });
  });

  it.each([
    [null, "body"],
    [{ language: "ruby", code: "puts 1" }, "language"],
    [{ language: "toString", code: "x" }, "language"],
    [{ language: "python", code: "" }, "code"],
    [{ language: "python", code: "x".repeat(LIMITS.maxCodeBytes + 1) }, "code"],
    [{ language: "python", code: "x", timeoutMs: 0 }, "timeoutMs"],
    [{ language: "python", code: "x", timeoutMs: 1.5 }, "timeoutMs"],
    [{ language: "python", code: "x", timeoutMs: LIMITS.maxTimeoutMs + 1 }, "timeoutMs"],
  ])("rejects %j naming %s", (body, field) => {
    expect(() => validateRequest(body)).toThrow(SnippetError);
    try {
      validateRequest(body);
    } catch (error) {
      expect(error.field).toBe(field);
    }
  });
});

describe("runSnippet", () => {
  it("runs Python and returns its output and exit code", async () => {
    const result = await runSnippet({ language: "python", code: "import sys\nprint(6*7)\nsys.exit(3)", timeoutMs: 5000 });
    expect(result).toMatchObject({ stdout: "42\n", exitCode: 3, timedOut: false, truncated: false });
  });

  it("runs JavaScript and captures stderr", async () => {
    const result = await runSnippet({ language: "javascript", code: "console.error('oops'); process.exit(1)", timeoutMs: 5000 });
    expect(result).toMatchObject({ stderr: "oops\n", exitCode: 1, timedOut: false });
  });

  it("kills a snippet that runs past its limit, children included", async () => {
    const code = "import subprocess, time\nsubprocess.Popen(['sleep', '30'])\ntime.sleep(30)";
    const result = await runSnippet({ language: "python", code, timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(137);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("caps output and says so", async () => {
    const result = await runSnippet({ language: "python", code: "print('x' * 200000)", timeoutMs: 5000 });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(LIMITS.maxOutputBytes);
  });

  it("does not hand the service's environment to the snippet", async () => {
    process.env.NEXUS_TEST_SECRET = "hunter2";
    const result = await runSnippet({ language: "javascript", code: "console.log(process.env.NEXUS_TEST_SECRET ?? 'unset')", timeoutMs: 5000 });
    delete process.env.NEXUS_TEST_SECRET;
    expect(result.stdout).toBe("unset\n");
  });
});

describe("exit codes", () => {
  it("reports a snippet killed by a signal as 128 + its number", async () => {
    const result = await runSnippet({ language: "javascript", code: "process.kill(process.pid, 'SIGTERM')", timeoutMs: 5000 });
    expect(result).toMatchObject({ exitCode: 143, timedOut: false });
  });
});
