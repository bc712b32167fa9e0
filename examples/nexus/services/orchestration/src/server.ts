// Entry point: listens on HOST:PORT (0 lets the OS choose) and prints the bound address for supervisors.
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`orchestration: ${(error as Error).message}`);
  process.exit(2);
}
const server = createApp(config);
server.listen(config.port, config.host, () => {
  console.log(`listening on http://${config.host}:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
