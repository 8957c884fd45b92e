// Antom answers as plain objects: `result` first, then the API's fields. Services return these; the
// protocol routes serialise, sign and send them. Every code the sandbox answers, and the Antom page it was
// checked against (or that it could not be), is in the README's result-code table.
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
