import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { closeAll, closedPortUrl, json, listen, startUpstream, type Upstream } from "./upstreams.js";

const open: Server[] = [];
afterEach(() => closeAll(open));

async function orchestration(overrides: Partial<Config>): Promise<string> {
  const config = { host: "127.0.0.1", port: 0, bmadUrl: await closedPortUrl(), executionUrl: await closedPortUrl(), upstreamTimeoutMs: 2000, ...overrides };
  const server = createApp(config);
  open.push(server);
  return listen(server);
}

async function upstream(...args: Parameters<typeof startUpstream>): Promise<Upstream> {
  const started = await startUpstream(...args);
  open.push(started.server);
  return started;
}

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

describe("orchestration API", () => {
  it("answers its own health probe without its upstreams", async () => {
    const base = await orchestration({});
    const res = await fetch(`${base}/health`);
    expect(await res.json()).toEqual({ status: "ok", service: "orchestration" });
  });

  it("passes a plan request to bmad and its answer back", async () => {
    const bmad = await upstream(json(200, { goal: "g", phases: [] }));
    const base = await orchestration({ bmadUrl: bmad.url });
    const res = await postJson(`${base}/api/plan`, { goal: "g" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ goal: "g", phases: [] });
    expect(bmad.requests).toEqual([{ method: "POST", path: "/plan", body: '{"goal":"g"}' }]);
  });

  it("keeps the upstream's validation status", async () => {
    const bmad = await upstream(json(422, { detail: [{ loc: ["body", "goal"] }] }));
    const base = await orchestration({ bmadUrl: bmad.url });
    expect((await postJson(`${base}/api/plan`, {})).status).toBe(422);
  });

  it("passes a run request to execution", async () => {
    const execution = await upstream(json(200, { stdout: "1\n", exitCode: 0 }));
    const base = await orchestration({ executionUrl: execution.url });
    const res = await postJson(`${base}/api/run`, { language: "python", code: "print(1)" });
    expect(await res.json()).toEqual({ stdout: "1\n", exitCode: 0 });
    expect(execution.requests[0].path).toBe("/execute");
  });

  it("reports each upstream's health and 503 when one is down", async () => {
    const bmad = await upstream(json(200, { status: "ok" }));
    const base = await orchestration({ bmadUrl: bmad.url });
    const res = await fetch(`${base}/api/status`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ bmad: "ok", execution: "down" });
  });

  it("is 200 when every upstream is healthy", async () => {
    const healthy = await upstream(json(200, { status: "ok" }));
    const base = await orchestration({ bmadUrl: healthy.url, executionUrl: healthy.url });
    expect((await fetch(`${base}/api/status`)).status).toBe(200);
  });

  it("says which upstream is unreachable", async () => {
    const base = await orchestration({});
    const res = await postJson(`${base}/api/run`, { code: "x" });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: "execution: unreachable", service: "execution" });
  });

  it("gives up on a slow upstream", async () => {
    const slow = await upstream(() => {});
    const base = await orchestration({ bmadUrl: slow.url, upstreamTimeoutMs: 100 });
    const res = await postJson(`${base}/api/plan`, { goal: "g" });
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe("bmad: no answer within 100 ms");
  });

  it("rejects an upstream answer that is not JSON", async () => {
    const broken = await upstream((_req, res) => res.end("<html>"));
    const base = await orchestration({ bmadUrl: broken.url });
    expect((await (await postJson(`${base}/api/plan`, {})).json()).error).toBe("bmad: answered 200 with a body that is not JSON");
  });

  it("rejects bodies that are not JSON or too large", async () => {
    const base = await orchestration({});
    expect((await postJson(`${base}/api/plan`, "{nope")).status).toBe(400);
    expect((await postJson(`${base}/api/plan`, "x".repeat(200 * 1024))).status).toBe(400);
  });

  it("404s unknown routes", async () => {
    const base = await orchestration({});
    expect((await fetch(`${base}/api/nope`)).status).toBe(404);
  });
});
