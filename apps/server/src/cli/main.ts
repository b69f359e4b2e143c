import { AppError, Email, Password, Role } from '@kefu/contracts';
import { verifyPassword } from '@kefu/tenancy';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import type { z } from 'zod';
import { ConfigError, loadConfig } from '../config/config.ts';
import { loggerOptions } from '../observability/logger.ts';
import { startServer } from '../server.ts';
import { registerNluCommands } from './nlu-commands.ts';
import { DEMO_ADMIN, DEMO_TENANT, seedDemo } from './seed.ts';
import { withServices } from './with-services.ts';

/** Parses an option with a contract schema so the CLI and the API refuse the same things. */
const parseWith =
  <T>(schema: z.ZodType<T>, what: string) =>
  (value: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new InvalidArgumentError(`${what} ${r.error.issues[0]?.message ?? 'is invalid'}`);
    return r.data;
  };

const program = new Command('kefu')
  .description(
    'Kefu — self-hosted AI customer service. Honours KEFU_DATA_DIR, KEFU_DATABASE_URL and the other KEFU_* variables.',
  )
  .showHelpAfterError();

program
  .command('start')
  .description('migrate the store, then serve the API, sockets and docs')
  .option('--seed-demo', `create the demo tenant "${DEMO_TENANT}" when the store has no tenant`)
  .action(async (opts: { seedDemo?: boolean }) => {
    const config = loadConfig();
    const server = await startServer(config, {
      beforeListen: async (services) => {
        if (opts.seedDemo && (await services.tenants.isEmpty())) await seedDemo(services);
      },
    });
    let demoLine = '';
    const demo = await server.services.tenants.find(DEMO_TENANT).catch(() => undefined);
    if (demo) {
      const admin = await server.services.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', DEMO_ADMIN.email)
        .executeTakeFirst();
      const stillDefault = admin && (await verifyPassword(DEMO_ADMIN.password, admin.password_hash));
      demoLine = stillDefault
        ? `Demo admin login: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password} (tenant "${DEMO_TENANT}")`
        : `Demo tenant "${DEMO_TENANT}" (id ${demo.id})`;
    }
    // The built-in NLU model loads from the data directory's cache, or trains once (a few seconds).
    server.services.nlu.warmUp().then(
      () => server.log.info('built-in NLU model ready'),
      (err: unknown) => server.log.error({ err }, 'built-in NLU model failed to load'),
    );
    console.log(`Kefu is running at ${server.url} (${config.mode}, ${server.services.database.dialect})`);
    console.log(`API docs: ${server.url}/docs`);
    if (demoLine) console.log(demoLine);
    const shutdown = (signal: string) => {
      server.log.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          server.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });

program
  .command('migrate')
  .description('apply pending database migrations (safe to run again)')
  .action(async () => {
    await withServices(async (s) => console.log(`Migrations applied (${s.database.dialect}).`));
  });

program
  .command('seed-demo')
  .description(`create the demo tenant "${DEMO_TENANT}" with an owner and an agent, if absent`)
  .action(async () => {
    await withServices(async (s) => {
      const { tenant, created } = await seedDemo(s);
      console.log(
        created
          ? `Created demo tenant ${tenant.name} (${tenant.id})`
          : `Demo tenant already exists (${tenant.id})`,
      );
      console.log(`Demo admin login: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    });
  });

const tenant = program.command('tenant').description('manage tenants');
tenant
  .command('create')
  .argument('<name>', 'shop or group name')
  .option('--parent <name>', 'make it a brand of this group tenant (name or id)')
  .option('--welcome <text>', 'welcome message shoppers get first')
  .description('create a tenant; prints its id on the last line')
  .action(async (name: string, opts: { parent?: string; welcome?: string }) => {
    await withServices(async (s) => {
      const t = await s.tenants.create({ name, parent: opts.parent, welcomeMessage: opts.welcome });
      console.log(`Created tenant ${t.name}${t.parentId ? ` (brand of ${opts.parent})` : ''}`);
      console.log(t.id);
    });
  });

const user = program.command('user').description('manage console users');
user
  .command('create')
  .requiredOption('--email <email>', 'login e-mail', parseWith(Email, 'email'))
  .requiredOption('--password <password>', 'at least 8 characters', parseWith(Password, 'password'))
  .option('--role <role>', 'owner | admin | supervisor | agent | analyst', parseWith(Role, 'role'), 'agent')
  .option('--name <name>', 'display name')
  .option('--tenant <name>', 'tenant name or id', DEMO_TENANT)
  .description('create a console user')
  .action(
    async (opts: {
      email: string;
      password: string;
      role: z.infer<typeof Role>;
      name?: string;
      tenant: string;
    }) => {
      await withServices(async (s) => {
        const t = await s.tenants.find(opts.tenant);
        const u = await s.users.create(t.id, null, {
          email: opts.email,
          password: opts.password,
          role: opts.role,
          name: opts.name ?? opts.email,
        });
        console.log(`Created ${u.role} ${u.email} in ${t.name}`);
        console.log(u.id);
      });
    },
  );

user
  .command('password')
  .requiredOption('--email <email>', 'login e-mail', parseWith(Email, 'email'))
  .requiredOption(
    '--password <password>',
    'the new password, at least 8 characters',
    parseWith(Password, 'password'),
  )
  .description("set a user's password (ends all their sessions)")
  .action(async (opts: { email: string; password: string }) => {
    await withServices(async (s) => {
      const found = await s.database.db
        .selectFrom('users')
        .select(['id', 'tenant_id'])
        .where('email', '=', opts.email)
        .executeTakeFirst();
      if (!found) throw new AppError('not_found', 'user.not_found', `No user with e-mail ${opts.email}`);
      await s.users.changePassword(found.tenant_id, null, found.id, { next: opts.password });
      console.log(`Password of ${opts.email} changed; their sessions have ended`);
    });
  });

const apikey = program.command('apikey').description('manage API keys');
apikey
  .command('create')
  .option('--tenant <name>', 'tenant name or id', DEMO_TENANT)
  .option('--name <name>', 'what the key is for', 'cli')
  .description('create an API key; prints the key alone on the last line')
  .action(async (opts: { tenant: string; name: string }) => {
    await withServices(async (s) => {
      const t = await s.tenants.find(opts.tenant);
      const { key, info } = await s.apiKeys.create(t.id, null, opts.name);
      console.log(`Created API key "${info.name}" (${info.id}) for ${t.name}; it is shown only once:`);
      console.log(key);
    });
  });

registerNluCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`error: ${(err as Error).message}; stop the other process or choose another KEFU_PORT`);
    process.exit(1);
  }
  if (err instanceof AppError) {
    console.error(`error: ${err.message} (${err.code})`);
    process.exit(1);
  }
  pino(loggerOptions('error')).error({ err }, 'command failed');
  process.exit(1);
});
