// Tier 2 of the composition (app.ts): the domain services on top of the infrastructure — orders,
// payments, refunds, notifications, the buyer's checkout view and live streams, and the background
// workers (sweeper, webhook delivery, the cross-instance change feed).
import { CheckoutService } from '../checkout/checkout.service.ts';
import { CheckoutStreams } from '../checkout/checkout.events.ts';
import { StatusCache, type PreparedStatus } from '../checkout/status.cache.ts';
import { ChangeFeed } from '../events/change-feed.ts';
import { MethodService } from '../methods/method.service.ts';
import { RejectionGuard } from '../notifications/notification.guard.ts';
import { NotificationRetention } from '../notifications/notification.retention.ts';
import { NotificationService } from '../notifications/notification.service.ts';
import { OrderService } from '../orders/order.service.ts';
import { countOrdersByStatus } from '../orders/order.repository.ts';
import { PaymentService } from '../payments/payment.service.ts';
import { countPaymentsByState } from '../payments/payment.repository.ts';
import { StateStore } from '../payments/payment.state.ts';
import { RefundService } from '../refunds/refund.service.ts';
import { Sweeper } from '../sweeper/sweeper.ts';
import { Worker } from '../sweeper/worker.ts';
import { Outbox } from '../webhooks/outbox.ts';
import { WebhookDeliverer } from '../webhooks/webhook.deliverer.ts';
import type { Infrastructure } from './infrastructure.ts';

export interface Domain {
  orders: OrderService;
  payments: PaymentService;
  refunds: RefundService;
  checkout: CheckoutService;
  notifications: NotificationService;
  methods: MethodService;
  streams: CheckoutStreams;
  sweeper: Sweeper;
  deliverer: WebhookDeliverer | undefined;
  /** Deletes notifications of no order after their retention (D10.1). */
  retention: NotificationRetention;
  /** Merchant webhooks, written in the transaction of the change they report. */
  outbox: Outbox;
  startWorkers(): void;
  /** Ends the live streams (with a retry hint) and stops the workers, each after its current step. */
  stop(): Promise<void>;
}

export function buildDomain(infra: Infrastructure): Domain {
  const { config, clock, database, gateway, bus, meters, http } = infra;
  const { db } = database;
  const log = http.log;
  // A PENDING attempt is left to its confirm while `pay` may still answer; a sweeper step's claim covers
  // its three gateway calls (inquiry, cancel, inquiry), so a crash mid-step delays recovery only that long.
  const payLeaseMs = gateway.maxPayDurationMs() + 2_000;
  const sweepLeaseMs = gateway.maxCallDurationMs() * 3 + 2_000;

  const state = new StateStore({ clock, bus });
  // Built last, woken by the services built before them (a new duplicate to give back, a new webhook).
  const workers: { sweeper?: Worker; webhooks?: Worker; retention?: Worker } = {};
  const outbox = new Outbox({ enabled: config.webhook !== null, wake: () => workers.webhooks?.wake() });
  const methods = new MethodService({
    catalog: config.checkout.paymentMethods,
    gateway,
    useConsult: config.checkout.useConsult,
    clock,
  });
  const payments = new PaymentService({
    db,
    clock,
    state,
    gateway,
    methods,
    outbox,
    publicUrl: config.publicUrl,
    gatewayExpiryGraceMs: config.checkout.gatewayExpiryGraceSeconds * 1000,
    payLeaseMs,
    callLeaseMs: gateway.maxCallDurationMs(),
    wake: () => workers.sweeper?.wake(),
    oneStatementWrites: database.oneStatementWrites,
  });
  const refunds = new RefundService({
    db,
    clock,
    state,
    gateway,
    methods,
    outbox,
    payments,
    publicUrl: config.publicUrl,
  });
  const orders = new OrderService({
    db,
    clock,
    state,
    payments,
    outbox,
    publicUrl: config.publicUrl,
    defaultTtlSeconds: config.checkout.defaultOrderTtlSeconds,
  });
  // Several instances on one PostgreSQL: changes made on one reach the others' streams and caches.
  const feed = database.signals
    ? new ChangeFeed({
        db,
        signals: database.signals,
        bus,
        clock,
        log,
        safetyPassMs: config.changeFeedSafetyPassMs,
      })
    : undefined;
  const statusCache = new StatusCache<PreparedStatus>({
    ttlMs: 60_000,
    maxEntries: 50_000,
    heardSince: feed ? () => feed.heardSince() : () => 0,
  });
  bus.subscribeAll((orderId) => statusCache.invalidate(orderId));
  const checkout = new CheckoutService({
    statusCache,
    db,
    clock,
    methods,
    merchantName: config.merchantName,
    branding: config.branding,
    presentation: config.checkout.presentation,
    isSandbox: gateway.isSandbox,
    successRedirectSeconds: config.checkout.successRedirectSeconds,
  });
  const streams = new CheckoutStreams({
    db,
    bus,
    checkout,
    heartbeatMs: config.sseHeartbeatMs,
    clock,
    limits: config.limits.streams,
    log,
    heardSince: feed ? () => feed.heardSince() : () => 0,
  });
  const notifications = new NotificationService({
    db,
    clock,
    gateway,
    payments,
    refunds,
    rejections: new RejectionGuard(clock, config.limits.notify),
    onOutcome: (outcome) => meters.notifications({ outcome }),
  });
  const retention = new NotificationRetention({
    db,
    clock,
    keepMs: config.limits.notify.rejectedRetentionDays * 86_400_000,
  });
  workers.retention = new Worker(
    () => retention.pruneOnce(),
    10 * 60_000,
    (error) => log.error({ err: error }, 'notification retention tick failed'),
  );
  const sweeper = new Sweeper({
    database,
    clock,
    payments,
    refunds,
    state,
    outbox,
    publicUrl: config.publicUrl,
    batchSize: 100,
    leaseMs: sweepLeaseMs,
    log,
  });
  workers.sweeper = new Worker(
    () => sweeper.sweepOnce(),
    config.sweeper.intervalMs,
    (error) => log.error({ err: error }, 'sweeper tick failed'),
  );
  const deliverer = config.webhook
    ? new WebhookDeliverer({
        database,
        clock,
        url: config.webhook.url,
        secret: config.webhook.secret,
        timeoutMs: 10_000,
        onResult: (ok) => meters.webhooks({ result: ok ? 'delivered' : 'failed' }),
      })
    : undefined;
  if (deliverer) {
    workers.webhooks = new Worker(
      () => deliverer.deliverOnce(),
      config.webhooks.intervalMs,
      (error) => log.error({ err: error }, 'webhook tick failed'),
    );
  }

  const gaugePayments = infra.metrics.gauge('paydesk_payments', 'Payment attempts by state');
  const gaugeOrders = infra.metrics.gauge('paydesk_orders', 'Orders by status');
  const gaugeStreams = infra.metrics.gauge('paydesk_sse_clients', 'Open live-status streams');
  infra.metrics.collect(async () => {
    for (const row of await countPaymentsByState(db)) gaugePayments({ state: row.status }, row.n);
    for (const row of await countOrdersByStatus(db)) gaugeOrders({ status: row.status }, row.n);
    gaugeStreams({}, streams.count);
  });

  return {
    orders,
    payments,
    refunds,
    checkout,
    notifications,
    methods,
    streams,
    sweeper,
    deliverer,
    retention,
    outbox,
    startWorkers() {
      feed?.start();
      if (config.sweeper.enabled) workers.sweeper?.start();
      workers.webhooks?.start();
      if (config.sweeper.enabled) {
        workers.retention?.start();
        workers.retention?.wake();
      }
    },
    async stop() {
      streams.close();
      await Promise.all([workers.sweeper?.stop(), workers.webhooks?.stop(), workers.retention?.stop()]);
      await feed?.stop();
    },
  };
}
