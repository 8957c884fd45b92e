// @paydesk/sandbox — an Antom-compatible gateway simulator with a wallet simulator, a control API and
// fault injection. See README.md.
export { createSandbox, type Sandbox, type SandboxOptions } from './app.ts';
export {
  DEFAULT_CLIENT_ID,
  DEFAULT_PORT,
  DEV_KEYS_FILE,
  loadOrCreateDevKeys,
  sandboxConfigFromEnv,
  SandboxConfigError,
  type DevKeys,
  type SandboxEnvConfig,
} from './config.ts';
export {
  findMethod,
  methodLimits,
  PAYMENT_METHODS,
  type CancelRule,
  type CodeDisplay,
  type PaymentMethod,
  type RefundRule,
} from './methods.ts';
export { RETRY_SCHEDULE_MS, isAcknowledgement } from './notifier.ts';
export {
  API_FAULT_KINDS,
  mulberry32,
  type ApiFaultKind,
  type ApiFaultRule,
  type FaultConfig,
  type NotificationFaults,
} from './faults.ts';
export type { LedgerEntry } from './ledger.ts';
export type {
  DeliveryAttempt,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
  RequestRecord,
  SandboxPaymentStatus,
  SandboxRefundStatus,
} from './store.ts';
export { DECLINE_CODES } from './payment.service.ts';
export { type ReportOptions, type SandboxReports, type SftpListenOptions } from './reports/reports.module.ts';
export { REPORTS_ROOT, type PublishedFile } from './reports/report.publisher.ts';
export {
  SETTLEMENT_DETAIL_COLUMNS,
  SETTLEMENT_SUMMARY_COLUMNS,
  TRANSACTION_COLUMNS,
  type DayReports,
  type ReportFile,
} from './reports/report-files.ts';
export { fingerprintOf, generateSshKeyPair } from './reports/sftp.server.ts';
