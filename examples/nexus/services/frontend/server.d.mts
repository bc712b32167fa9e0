import type { Server } from "node:http";

export function createFrontendServer(options: { root: string; orchestrationUrl: string }): Server;
