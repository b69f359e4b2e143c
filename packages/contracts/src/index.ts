export * from './auth.ts';
export * from './conversation.ts';
export * from './errors.ts';
export type * from './events.ts';
export * from './nlu.ts';
export * from './ws.ts';
