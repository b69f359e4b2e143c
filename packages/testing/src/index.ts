export * from './services.ts';
export * from './stores.ts';
