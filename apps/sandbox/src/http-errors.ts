// HTTP-shaped errors live with the routes (D12.4): the services throw domain errors
// (errors.ts) and the control and wallet routes turn them into a status and `{ error: { code, message } }`.
import { FaultConfigError, SandboxRuleError } from './errors.ts';

/** A control-API error: an HTTP status and `{ error: { code, message } }`. */
export class ControlError extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.name = 'ControlError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

/**
 * The HTTP form of an error a route met: a refused rule is a conflict with the current state (409), a
 * bad fault configuration is bad input (400). Undefined for anything else (a bug: the route answers 500).
 */
export function httpErrorOf(error: unknown): ControlError | undefined {
  if (error instanceof ControlError) return error;
  if (error instanceof SandboxRuleError) return new ControlError(409, error.code, error.message);
  if (error instanceof FaultConfigError) return new ControlError(400, error.code, error.message);
  return undefined;
}
