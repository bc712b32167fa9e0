// The services started together, tested across their HTTP boundaries (spec stage 4, integration tests).
// NEXUS_BUNDLES=DIR tests the deployable bundles instead of the built source tree.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startStack } from "../stack.mjs";

let stack;
before(async () => {
  stack = await startStack({ bundles: process.env.NEXUS_BUNDLES || undefined });
});
after(() => stack?.stop());

async function call(url, body) {
  const res = await fetch(url, body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: res.status, body: await res.json() };
}

// A second of silence around half a second of tone, as 8 kHz 16-bit mono WAV.
function recording() {
  const rate = 8000;
  const samples = Int16Array.from({ length: rate * 1.5 }, (_, n) => (n >= rate / 2 && n < rate ? Math.round(8000 * Math.sin((2 * Math.PI * 220 * n) / rate)) : 0));
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer)]);
}

describe("the Nexus services together", () => {
  it("every service answers its health probe", async () => {
    for (const [name, url] of Object.entries(stack.urls)) {
      assert.deepEqual(await call(`${url}/health`), { status: 200, body: { status: "ok", service: name } });
    }
  });

  it("orchestration sees bmad and execution", async () => {
    assert.deepEqual(await call(`${stack.urls.orchestration}/api/status`), { status: 200, body: { bmad: "ok", execution: "ok" } });
  });

  it("a goal is planned through frontend -> orchestration -> bmad", async () => {
    const { status, body } = await call(`${stack.urls.frontend}/api/plan`, { goal: "Transcribe stand-ups" });
    assert.equal(status, 200);
    assert.deepEqual(body.phases.map((phase) => phase.agent), ["analyst", "pm", "architect", "dev"]);
  });

  it("bmad's validation error reaches the page unchanged", async () => {
    const { status, body } = await call(`${stack.urls.frontend}/api/plan`, { goal: " " });
    assert.equal(status, 422);
    assert.deepEqual(body.detail[0].loc, ["body", "goal"]);
  });

  it("Python and JavaScript run through frontend -> orchestration -> execution", async () => {
    const python = await call(`${stack.urls.frontend}/api/run`, { language: "python", code: "print(2**10)" });
    assert.equal(python.body.stdout, "1024\n");
    const javascript = await call(`${stack.urls.frontend}/api/run`, { language: "javascript", code: "console.log([1,2,3].length)" });
    assert.equal(javascript.body.stdout, "3\n");
  });

  it("a runaway snippet is stopped and reported as timed out", async () => {
    const { body } = await call(`${stack.urls.orchestration}/api/run`, { language: "python", code: "while True: pass", timeoutMs: 200 });
    assert.equal(body.timedOut, true);
  });

  it("voice finds the speech in a recording", async () => {
    const res = await fetch(`${stack.urls.voice}/segments`, { method: "POST", body: recording(), headers: { "content-type": "audio/wav" } });
    const body = await res.json();
    assert.equal(body.segments.length, 1);
    assert.ok(Math.abs(body.segments[0].start - 0.5) < 0.05, `segment starts at ${body.segments[0].start}`);
  });

  it("when execution goes down, orchestration says so instead of hanging", async () => {
    await stack.stop("execution");
    assert.deepEqual(await call(`${stack.urls.orchestration}/api/status`), { status: 503, body: { bmad: "ok", execution: "down" } });
    const { status, body } = await call(`${stack.urls.frontend}/api/run`, { language: "python", code: "print(1)" });
    assert.deepEqual({ status, body }, { status: 502, body: { error: "execution: unreachable", service: "execution" } });
  });
});
