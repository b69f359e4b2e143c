export { buildApp } from './app.ts';
export { type Config, ConfigError, loadConfig } from './config/config.ts';
export { type RunningServer, startServer } from './server.ts';
export { createServices, type Services } from './services.ts';
