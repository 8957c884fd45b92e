// URLs a buyer may be sent to (D10.2): checked when the merchant hands them to us, with 422
// URL_NOT_ALLOWED naming the field, and again by the cashier and the embed before navigating.
import { buyerUrlProblem } from '@paydesk/api';
import { DomainError } from '../domain/errors.ts';

/** Throws URL_NOT_ALLOWED (422) unless `value` (when given) is https:, or loopback http: in development. */
export function assertBuyerUrl(
  field: string,
  value: string | undefined | null,
  options: { allowLoopbackHttp: boolean },
): void {
  if (value === undefined || value === null) return;
  const problem = buyerUrlProblem(value, options);
  if (problem) throw new DomainError('URL_NOT_ALLOWED', `${field} ${problem}`, [{ field, message: problem }]);
}
