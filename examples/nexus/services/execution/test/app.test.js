import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";

let server;
let baseUrl;

beforeAll(async () => {
  server = createApp().listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (body) => fetch(`${baseUrl}/execute`, { method: "POST", body, headers: { "content-type": "application/json" } });

describe("execution API", () => {
  it("answers the health probe", async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(await res.json()).toEqual({ status: "ok", service: "execution" });
  });

  it("executes a snippet", async () => {
    const res = await post(JSON.stringify({ language: "python", code: "print('hi')" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stdout: "hi\n", exitCode: 0 });
  });

  it("names the bad field", async () => {
    const res = await post(JSON.stringify({ language: "cobol", code: "x" }));
    expect(res.status).toBe(422);
    expect((await res.json()).field).toBe("language");
  });

  it("rejects a body that is not JSON", async () => {
    const res = await post("{nope");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "request body must be JSON", field: "body" });
  });

  it("rejects an oversized body", async () => {
    const res = await post("x".repeat(300 * 1024));
    expect(res.status).toBe(422);
  });

  it("404s unknown paths", async () => {
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });
});

describe("server entry point", () => {
  it("listens on the port it is given and prints the address", async () => {
    const child = spawn(process.execPath, ["src/server.js"], { env: { ...process.env, PORT: "0" } });
    const [line] = await once(child.stdout, "data");
    const url = /listening on (\S+)/.exec(String(line))[1];
    expect((await fetch(`${url}/health`)).status).toBe(200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
