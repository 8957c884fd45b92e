// @paydesk/antom — a typed Node.js client for Antom. See README.md for one example per call.
export * from './types.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './signature.ts';
export * from './paths.ts';
export * from './money.ts';
export * from './outcomes.ts';
export * from './transport.ts';
export * from './client.ts';
export * from './notifications.ts';
