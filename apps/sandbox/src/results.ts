// Antom answers as plain objects: `result` first, then the API's fields. Services return these; the
// protocol routes serialise, sign and send them. Codes follow PROTOCOL §6; where Antom's exact code is
// unknown (§10.1) the choice is listed in the README.
import type { AntomResult } from '@paydesk/antom';

/** An Antom answer body: a `result` and the API's fields. */
export type AntomAnswer = { result: AntomResult } & Record<string, unknown>;

export function success(fields: Record<string, unknown> = {}, message = 'success'): AntomAnswer {
  return { result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: message }, ...fields };
}

export function failure(code: string, message: string, fields: Record<string, unknown> = {}): AntomAnswer {
  return { result: { resultCode: code, resultStatus: 'F', resultMessage: message }, ...fields };
}

export function inProcess(code: string, message: string, fields: Record<string, unknown> = {}): AntomAnswer {
  return { result: { resultCode: code, resultStatus: 'U', resultMessage: message }, ...fields };
}

/** PARAM_ILLEGAL with every problem, each naming its field. */
export function paramIllegal(problems: string[]): AntomAnswer {
  return failure('PARAM_ILLEGAL', problems.join('; '));
}

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
