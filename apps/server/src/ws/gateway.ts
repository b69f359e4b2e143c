import { AgentFrame, AppError, CustomerFrame, type Message } from '@kefu/contracts';
import { can, type Principal } from '@kefu/tenancy';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { toErrorResponse } from '../http/errors.ts';
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from '../http/storable-text.ts';
import type { Services } from '../services.ts';
import { encode, type RealtimeHub, send } from './hub.ts';

const HEARTBEAT_MS = 30_000;

type Kind = 'customer' | 'agent';

/**
 * The two WebSocket endpoints. The token is checked before the upgrade (a bad token
 * gets an HTTP 401, not a socket), frames are validated like REST bodies, and a socket's
 * messages are stored in the order sent (see `Ordering`). A `message.send` is
 * acknowledged only once the message is committed.
 */
export function registerGateway(app: FastifyInstance, services: Services, hub: RealtimeHub): void {
  const principals = new WeakMap<FastifyRequest, Principal>();

  const authenticate = (kind: Kind) => async (req: FastifyRequest) => {
    const token = (req.query as { token?: string }).token;
    if (!token) throw new AppError('unauthenticated', 'auth.missing_token', 'Connect with ?token=<token>');
    if (kind === 'customer') {
      principals.set(req, { kind: 'visitor', ...(await services.visitorTokens.verify(token)) });
      return;
    }
    const principal = await services.auth.authenticate(token);
    if (principal.kind !== 'user' || !can(principal, 'conversations.read')) {
      throw new AppError('forbidden', 'auth.forbidden', 'The agent socket needs a console session token');
    }
    principals.set(req, principal);
  };

  const schema = {
    tags: ['realtime'],
    description: 'WebSocket: upgrade with ?token=…; frames are JSON (see ws.ts in @kefu/contracts).',
    // The app validates with zod: a plain JSON schema here made every upgrade a 500.
    querystring: z.object({ token: z.string().max(4096).optional() }),
  };
  // @fastify/websocket marks its routes hidden from OpenAPI; the sockets belong in /docs too.
  const config = {
    swaggerTransform: (args: Parameters<typeof jsonSchemaTransform>[0]) =>
      jsonSchemaTransform({ ...args, schema: { ...args.schema, hide: false } }),
  };

  app.get(
    '/ws/customer',
    {
      websocket: true,
      config,
      preValidation: authenticate('customer'),
      schema: { ...schema, summary: 'Shopper socket (visitor token)' },
    },
    (socket, req) => {
      const visitor = principals.get(req) as Extract<Principal, { kind: 'visitor' }>;
      const remove = hub.addCustomer(visitor.tenantId, visitor.customerId, socket);
      track(socket, 'customer', remove);
      send(socket, encode({ type: 'ready' }));
      serve('by-writer', req.log, socket, CustomerFrame, async (frame) => {
        const accepted = await services.conversations.acceptFromCustomer(visitor.tenantId, {
          customerId: visitor.customerId,
          channel: visitor.channel,
          idempotencyKey: frame.idempotencyKey,
          content: frame.message,
        });
        // Acknowledged on commit; the bot answers afterwards and its replies are pushed.
        const afterAck = accepted.duplicate
          ? undefined
          : () => services.conversations.botTurn(visitor.tenantId, accepted);
        return { message: accepted.message, duplicate: accepted.duplicate, afterAck };
      });
    },
  );

  app.get(
    '/ws/agent',
    {
      websocket: true,
      config,
      preValidation: authenticate('agent'),
      schema: { ...schema, summary: 'Agent socket (session token)' },
    },
    (socket, req) => {
      const agent = principals.get(req) as Extract<Principal, { kind: 'user' }>;
      const remove = hub.addAgent(agent.tenantId, socket);
      track(socket, 'agent', remove);
      send(socket, encode({ type: 'ready' }));
      serve('one-at-a-time', req.log, socket, AgentFrame, async (frame) => {
        if (!can(agent, 'conversations.reply')) {
          throw new AppError('forbidden', 'auth.forbidden', 'Your role cannot reply to conversations');
        }
        return services.conversations.replyAsStaff(
          agent.tenantId,
          { kind: 'user', userId: agent.userId },
          frame.conversationId,
          frame.idempotencyKey,
          frame.message,
        );
      });
    },
  );

  function track(socket: WebSocket, kind: Kind, remove: () => void): void {
    services.metrics.openSockets.inc({ kind });
    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    socket.once('close', () => {
      clearInterval(heartbeat);
      remove();
      services.metrics.openSockets.dec({ kind });
    });
  }
}

type Sendable = { type: 'message.send'; idempotencyKey: string };

/**
 * 'by-writer': the store's writer already commits (and so acknowledges) in arrival
 * order, so frames are handed over at once and a shopper's burst can share one batch.
 * 'one-at-a-time': each frame waits for the previous one to be stored.
 */
type Ordering = 'by-writer' | 'one-at-a-time';

function serve<F extends { type: string }>(
  ordering: Ordering,
  log: FastifyBaseLogger,
  socket: WebSocket,
  schema: z.ZodType<F>,
  onSend: (
    frame: Extract<F, Sendable>,
  ) => Promise<{ message: Message; duplicate: boolean; afterAck?: () => Promise<unknown> }>,
): void {
  let queue: Promise<void> = Promise.resolve();
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      send(socket, encode({ type: 'error', code: 'frame.binary', message: 'Send JSON text frames' }));
      return;
    }
    let frame: F;
    try {
      const raw = data.toString();
      const json: unknown = JSON.parse(raw);
      const bad = unstorableTextPath(raw, json);
      if (bad !== null) {
        send(
          socket,
          encode({ type: 'error', code: 'frame.invalid', message: `${bad} ${UNSTORABLE_TEXT_MESSAGE}` }),
        );
        return;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const message = parsed.error.issues
          .map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`)
          .join('; ');
        send(socket, encode({ type: 'error', code: 'frame.invalid', message }));
        return;
      }
      frame = parsed.data;
    } catch {
      send(
        socket,
        encode({ type: 'error', code: 'frame.invalid_json', message: 'The frame is not valid JSON' }),
      );
      return;
    }
    if (frame.type === 'ping') {
      send(socket, encode({ type: 'pong' }));
      return;
    }
    const sendable = frame as Extract<F, Sendable>;
    const handle = async () => {
      try {
        const { message, duplicate, afterAck } = await onSend(sendable);
        send(socket, encode({ type: 'ack', idempotencyKey: sendable.idempotencyKey, message, duplicate }));
        afterAck?.().catch((err: unknown) => log.error({ err }, 'bot turn failed after ack'));
      } catch (err) {
        const { body, internal } = toErrorResponse(err);
        if (internal) log.error({ err }, 'websocket message failed');
        send(socket, encode({ type: 'error', idempotencyKey: sendable.idempotencyKey, ...body }));
      }
    };
    if (ordering === 'by-writer') void handle();
    else queue = queue.then(handle);
  });
}
