// Calls the orchestration API. Paths are relative: the page's own server forwards /api to orchestration.
export interface Phase {
  name: string;
  agent: string;
  tasks: string[];
}

export interface Plan {
  goal: string;
  track: string;
  phases: Phase[];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
}

export type Language = "python" | "javascript";

export class ApiError extends Error {}

function describeFailure(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    const { error, detail } = body as { error?: unknown; detail?: unknown };
    if (typeof error === "string") return error;
    if (Array.isArray(detail) && typeof detail[0]?.msg === "string") return detail[0].msg;
  }
  return `request failed with status ${status}`;
}

async function postJson<T>(baseUrl: string, path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError("the server cannot be reached");
  }
  const parsed: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(describeFailure(res.status, parsed));
  return parsed as T;
}

export const planGoal = (goal: string, baseUrl = ""): Promise<Plan> => postJson(baseUrl, "/api/plan", { goal });

export const runCode = (language: Language, code: string, baseUrl = ""): Promise<RunResult> =>
  postJson(baseUrl, "/api/run", { language, code });
