// Calls a back-end service with a deadline, turning every way it can fail into one error type.
export class UpstreamError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
  }
}

export interface UpstreamReply {
  status: number;
  body: unknown;
}

export async function callJson(
  service: string,
  url: string,
  timeoutMs: number,
  init: { method?: string; body?: unknown } = {},
): Promise<UpstreamReply> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "unreachable";
    throw new UpstreamError(service, reason);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new UpstreamError(service, `answered ${res.status} with a body that is not JSON`);
  }
}
