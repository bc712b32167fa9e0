import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("defaults to the local development ports", () => {
    expect(loadConfig({})).toEqual({
      host: "127.0.0.1",
      port: 8000,
      bmadUrl: "http://127.0.0.1:8001",
      executionUrl: "http://127.0.0.1:8002",
      upstreamTimeoutMs: 15000,
    });
  });

  it("reads the environment and drops trailing slashes", () => {
    const config = loadConfig({ PORT: "0", BMAD_URL: "http://bmad.internal:9000/", EXECUTION_URL: "http://exec:1" });
    expect(config).toMatchObject({ port: 0, bmadUrl: "http://bmad.internal:9000", executionUrl: "http://exec:1" });
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ BMAD_URL: "bmad:8001" })).toThrow('BMAD_URL must be an http(s) URL, got "bmad:8001"');
    expect(() => loadConfig({ PORT: "http" })).toThrow("PORT must be a port number, got http");
  });
});
