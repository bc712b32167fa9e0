import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { App } from "../src/App";
import { PlanView } from "../src/components/PlanView";
import { RunOutput, summary } from "../src/components/RunOutput";

const result = { stdout: "hi\n", stderr: "", exitCode: 0, timedOut: false, truncated: false, durationMs: 12 };

describe("components", () => {
  it("lists each phase with its agent and tasks", () => {
    const html = renderToStaticMarkup(
      <PlanView plan={{ goal: "g", track: "quick", phases: [{ name: "planning", agent: "pm", tasks: ["Write a tech spec: g"] }] }} />,
    );
    expect(html).toContain("<strong>planning</strong> <em>(pm)</em>");
    expect(html).toContain("<li>Write a tech spec: g</li>");
  });

  it("summarises how a run ended", () => {
    expect(summary(result)).toBe("exit 0 in 12 ms");
    expect(summary({ ...result, truncated: true })).toBe("exit 0 in 12 ms, output truncated");
    expect(summary({ ...result, timedOut: true, durationMs: 2000 })).toBe("stopped after 2000 ms (time limit)");
  });

  it("shows stderr only when there is some", () => {
    expect(renderToStaticMarkup(<RunOutput result={result} />)).not.toContain("stderr");
    expect(renderToStaticMarkup(<RunOutput result={{ ...result, stderr: "warn" }} />)).toContain('data-testid="stderr">warn');
  });

  it("renders both forms with a runnable example", () => {
    const html = renderToStaticMarkup(<App />);
    expect(html).toContain("<h1>Nexus</h1>");
    expect(html).toContain('aria-label="plan a goal"');
    expect(html).toContain("print(&quot;hello from nexus&quot;)");
  });
});
