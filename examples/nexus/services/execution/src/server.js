// Entry point: listens on PORT (0 lets the OS choose) and prints the bound address for supervisors.
import { createApp } from "./app.js";

const server = createApp();
server.listen(Number(process.env.PORT ?? 8002), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
