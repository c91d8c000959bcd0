/**
 * A recording, fault-injecting HTTP proxy in front of moto for the dispatch tests. It counts
 * every SNS `Publish` and SES `SendEmail` that moto accepted, per recipient (the evidence for
 * "no patient texted twice"), and can answer a share of them with the 400 `Throttling` error
 * AWS sends, in the query protocol's XML shape, without forwarding them.
 */
import { randomUUID } from "crypto";
import { createServer, IncomingMessage, request as httpRequest, Server } from "http";
import { AddressInfo } from "net";

export interface RecordedSend {
  readonly action: "Publish" | "SendEmail";
  readonly recipient: string;
  /** SMS text, or the email's text part. */
  readonly message: string;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Accepted sends, in order. */
  readonly sends: RecordedSend[];
  /** Publish/SendEmail requests answered with Throttling. */
  readonly throttled: number;
  /** Share (0..1) of Publish/SendEmail requests to throttle from now on; deterministic, evenly spread. */
  setThrottleShare(share: number): void;
  /** Accepted sends per recipient. */
  countsByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

const NAMESPACES: Record<string, string> = {
  Publish: "http://sns.amazonaws.com/doc/2010-03-31/",
  SendEmail: "http://ses.amazonaws.com/doc/2010-12-01/",
};

const throttlingXml = (action: string): string =>
  `<ErrorResponse xmlns="${NAMESPACES[action]}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

export async function startFaultProxy(target: string, options: { throttleShare?: number } = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const sends: RecordedSend[] = [];
  let share = options.throttleShare ?? 0;
  let seen = 0;
  let throttled = 0;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const form = (req.headers["content-type"] ?? "").includes("x-www-form-urlencoded") ? new URLSearchParams(body.toString("utf8")) : undefined;
    const action = form?.get("Action");
    const isSend = action === "Publish" || action === "SendEmail";
    if (isSend) {
      const n = seen++;
      // Evenly spread: throttle request n when floor((n + 1) * share) moves past floor(n * share).
      if (Math.floor((n + 1) * share) > Math.floor(n * share)) {
        throttled++;
        res.writeHead(400, { "content-type": "text/xml", "x-amzn-requestid": randomUUID() });
        res.end(throttlingXml(action));
        return;
      }
    }
    const forward = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: { ...req.headers, host: targetUrl.host } },
      (upstream) => {
        const chunks: Buffer[] = [];
        upstream.on("data", (chunk: Buffer) => chunks.push(chunk));
        upstream.on("end", () => {
          if (isSend && upstream.statusCode === 200) {
            const recipient = action === "Publish" ? form!.get("PhoneNumber") ?? "" : form!.get("Destination.ToAddresses.member.1") ?? "";
            const message = action === "Publish" ? form!.get("Message") ?? "" : form!.get("Message.Body.Text.Data") ?? "";
            sends.push({ action, recipient, message });
          }
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    forward.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    sends,
    get throttled() {
      return throttled;
    },
    setThrottleShare(value) {
      share = value;
      seen = 0;
    },
    countsByRecipient() {
      const counts = new Map<string, number>();
      for (const send of sends) counts.set(send.recipient, (counts.get(send.recipient) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
