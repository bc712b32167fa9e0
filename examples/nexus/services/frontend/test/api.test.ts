import { describe, expect, it } from "vitest";
import { ApiError, planGoal, runCode } from "../src/api";
import { answer, closedPortUrl, serve } from "./http";

describe("api client", () => {
  it("posts the goal to /api/plan", async () => {
    let seen = "";
    const base = await serve(async (req, res) => {
      for await (const chunk of req) seen += chunk;
      answer(200, { goal: "g", track: "method", phases: [] })(req, res);
    });
    expect(await planGoal("g", base)).toEqual({ goal: "g", track: "method", phases: [] });
    expect(JSON.parse(seen)).toEqual({ goal: "g" });
  });

  it("posts code to /api/run", async () => {
    const base = await serve((req, res) => answer(200, { path: req.url })(req, res));
    expect(await runCode("python", "print(1)", base)).toEqual({ path: "/api/run" });
  });

  it("turns a FastAPI validation error into its message", async () => {
    const base = await serve(answer(422, { detail: [{ loc: ["body", "goal"], msg: "goal must be a non-empty string" }] }));
    await expect(planGoal("", base)).rejects.toThrow("goal must be a non-empty string");
  });

  it("turns an orchestration error into its message", async () => {
    const base = await serve(answer(502, { error: "execution: unreachable" }));
    await expect(runCode("python", "x", base)).rejects.toThrow("execution: unreachable");
  });

  it("falls back to the status when the body says nothing useful", async () => {
    const base = await serve((_req, res) => res.writeHead(500).end("boom"));
    await expect(planGoal("g", base)).rejects.toThrow("request failed with status 500");
  });

  it("says when the server cannot be reached", async () => {
    const error = await planGoal("g", await closedPortUrl()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe("the server cannot be reached");
  });
});
