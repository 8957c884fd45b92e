// @paydesk/api — the Paydesk HTTP contract (docs/product.md). The same schemas validate requests in the
// server, type its handlers, and generate the OpenAPI document at /docs; the UI imports the types only.
export * from './common.ts';
export * from './orders.ts';
export * from './checkout.ts';
export * from './reconciliation.ts';
export * from './ops.ts';
