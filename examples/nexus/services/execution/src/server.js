// Entry point: listens on HOST:PORT (0 lets the OS choose) and prints the bound address for supervisors.
import { createApp } from "./app.js";

const server = createApp();
const host = process.env.HOST ?? "127.0.0.1";
server.listen(Number(process.env.PORT ?? 8002), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
