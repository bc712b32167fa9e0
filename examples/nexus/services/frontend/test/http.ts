// Every server a test starts is closed after it.
import { createServer, type RequestListener, type Server } from "node:http";
import { afterEach } from "vitest";
import { closeAll, listen as listenOnce } from "../../../libs/node/http-testing";

export { answer, closedPortUrl } from "../../../libs/node/http-testing";

const open: Server[] = [];
afterEach(() => closeAll(open));

export function listen(server: Server): Promise<string> {
  open.push(server);
  return listenOnce(server);
}

export const serve = (listener: RequestListener) => listen(createServer(listener));
