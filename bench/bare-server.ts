/**
 * The framework's ceiling for `npm run bench:api`: a bare Fastify 5 server, no plugins, hooks or logger, same body
 * limit as dpdesk. Started by bench/api.ts as `node --import tsx bench/bare-server.ts`; listens on HOST:PORT and
 * prints `listening <port>` once ready.
 *
 * - `POST /assess` parses the JSON body (Fastify's default parser) and returns a small constant JSON: the bare
 *   route of the aim.
 * - `POST /assess-large` does the same but returns the constant JSON text given in BARE_LARGE_RESPONSE (bench/api.ts
 *   passes a real dpdesk assessment), to show how much of the gap is the size of the response alone.
 */
import Fastify from "fastify";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? "0");
const largeResponse = process.env.BARE_LARGE_RESPONSE ?? '{"ok":true}';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

function titleLength(body: unknown): number {
  const title = (body as { title?: unknown } | null)?.title;
  return typeof title === "string" ? title.length : 0;
}

app.post("/assess", (request) => ({ ok: true, title: titleLength(request.body) }));

app.post("/assess-large", (request, reply) => {
  if (titleLength(request.body) === 0) return reply.status(400).send({ error: "no title" });
  return reply.type("application/json; charset=utf-8").send(largeResponse);
});

await app.listen({ host, port });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === "object" && address !== null ? address.port : port}\n`);

const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
