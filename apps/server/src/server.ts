import type { Responder } from '@kefu/conversation';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config/config.ts';
import { loggerOptions } from './observability/logger.ts';
import { createServices, type Services } from './services.ts';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  log: Logger;
  /** Stop accepting, let in-flight requests finish, close sockets, then the store. */
  stop(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: {
    responder?: Responder;
    log?: Logger;
    /** Runs after migrations and before the port opens (e.g. seeding the demo shop). */
    beforeListen?: (services: Services) => Promise<void>;
  } = {},
): Promise<RunningServer> {
  const log = options.log ?? pino(loggerOptions(config.logLevel));
  const services = await createServices(config, log, { responder: options.responder });
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    await options.beforeListen?.(services);
    built = await buildApp(services, log);
    await built.app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // A port in use or a failed seed must not leave the store (and its worker) open.
    await services.close();
    throw err;
  }
  const { app, hub } = built;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let stopping: Promise<void> | undefined;
  return {
    app,
    services,
    url: `http://${host}:${port}`,
    log,
    stop() {
      stopping ??= (async () => {
        for (const socket of hub.sockets()) socket.close(1001, 'server shutting down');
        // close() reaps the keep-alive connections idle at that moment; one still serving a
        // request goes idle afterwards and would hold the close for the 72 s keep-alive.
        const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await app.close();
        } finally {
          clearInterval(reaper);
        }
        await services.close();
      })();
      return stopping;
    },
  };
}
