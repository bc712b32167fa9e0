import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createFrontendServer } from "../server.mjs";
import { answer, closedPortUrl, listen, serve } from "./http";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nexus-frontend-"));
  await mkdir(join(root, "assets"));
  await writeFile(join(root, "index.html"), "<div id=root></div>");
  await writeFile(join(root, "assets", "app.js"), "console.log(1)");
  await writeFile(join(tmpdir(), "outside-root.txt"), "secret");
});

const start = (orchestrationUrl: string) => listen(createFrontendServer({ root, orchestrationUrl }));

describe("frontend server", () => {
  it("answers the health probe", async () => {
    const base = await start(await closedPortUrl());
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", service: "frontend" });
  });

  it("serves built files with their type, and the page for client routes", async () => {
    const base = await start(await closedPortUrl());
    const asset = await fetch(`${base}/assets/app.js`);
    expect(asset.headers.get("content-type")).toBe("text/javascript");
    expect(await asset.text()).toBe("console.log(1)");
    expect(await (await fetch(`${base}/plans/42`)).text()).toBe("<div id=root></div>");
    expect((await fetch(`${base}/missing.css`)).status).toBe(404);
  });

  it("never serves files outside its root", async () => {
    const base = await start(await closedPortUrl());
    expect((await fetch(`${base}/..%2Foutside-root.txt`)).status).toBe(404);
  });

  it("forwards /api requests to orchestration with their body", async () => {
    let seen = "";
    const orchestration = await serve(async (req, res) => {
      for await (const chunk of req) seen += chunk;
      answer(201, { path: req.url, method: req.method })(req, res);
    });
    const base = await start(orchestration);
    const res = await fetch(`${base}/api/plan?x=1`, { method: "POST", body: '{"goal":"g"}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ path: "/api/plan?x=1", method: "POST" });
    expect(seen).toBe('{"goal":"g"}');
  });

  it("is a 502 when orchestration is down", async () => {
    const base = await start(await closedPortUrl());
    const res = await fetch(`${base}/api/status`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: "orchestration is unreachable" });
  });
});
