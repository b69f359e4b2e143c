import pino from 'pino';
import { loadConfig } from '../config/config.ts';
import { createServices, type Services } from '../services.ts';

/** Runs a CLI command against the configured store (KEFU_* variables), then closes everything. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const services = await createServices(config, pino({ level: 'silent' }));
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}
