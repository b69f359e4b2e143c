import WebSocket from 'ws';

/**
 * Opens a client socket and resolves once it is usable: on open, or, with `readyFrame`,
 * when the server's first JSON frame of that type arrives.
 */
export function openSocket(
  url: string,
  options: { headers?: Record<string, string>; readyFrame?: string; timeoutMs?: number } = {},
): Promise<WebSocket> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      headers: options.headers,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`socket ${redact(url)} not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(new Error(`socket ${redact(url)}: ${err.message}`));
    };
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => fail(new Error(`HTTP ${res.statusCode} ${body.slice(0, 300)}`)));
    });
    const ready = () => {
      clearTimeout(timer);
      ws.off('error', fail);
      resolve(ws);
    };
    if (!options.readyFrame) {
      ws.once('open', ready);
      return;
    }
    const onMessage = (data: WebSocket.RawData) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type !== options.readyFrame) return;
      ws.off('message', onMessage);
      ready();
    };
    ws.on('message', onMessage);
  });
}

const redact = (url: string) => url.replace(/([?&]token=)[^&]+/, '$1…');

/** `fn` over `items` with at most `limit` calls running at once; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Closes sockets without waiting for the close handshake. */
export function terminateAll(sockets: Iterable<WebSocket>): void {
  for (const s of sockets) s.terminate();
}
