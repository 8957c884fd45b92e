// Faults of the integration itself (D11): answers that mean our credentials or signing are broken —
// Antom refusing our signature, key or client id, or answers whose own signature fails — are not a buyer's
// failure. They are watched here from the gateway-call log: the buyer is told payments are briefly
// unavailable, /readyz and /metrics report the fault, and the ops console shows it until a call succeeds.

/**
 * Antom result codes that mean the merchant's configuration is wrong, not the payment
 * (docs/antom-notes.md §6.1).
 */
export const CONFIGURATION_FAULT_CODES: ReadonlySet<string> = new Set([
  'INVALID_SIGNATURE',
  'KEY_NOT_FOUND',
  'ACCESS_DENIED',
  'INVALID_CLIENT',
  // The spelling of Antom's own cancel table (docs/antom/reversal.md), which the sandbox answers.
  'CLIENT_INVALID',
  'INVALID_CLIENT_STATUS',
  'INVALID_MERCHANT_STATUS',
  'MERCHANT_NOT_REGISTERED',
  'NO_INTERFACE_DEF',
]);

export interface GatewayFault {
  /** The Antom result code, or SIGNATURE_INVALID for an answer whose signature failed. */
  code: string;
  api: string;
  message: string;
  /** When the fault was first seen (epoch ms), and how many calls have hit it since. */
  since: number;
  calls: number;
}

/** What one gateway exchange tells about the integration's health. */
export interface CallOutcome {
  api: string;
  resultStatus?: string | undefined;
  resultCode?: string | undefined;
  error?: string | undefined;
  errorType?: string | undefined;
  at: number;
}

/**
 * Antom saying our credentials are wrong is believed at once; answers that fail to verify must repeat
 * (three in a row, no good answer between) before they count, so one garbled reply raises no alarm.
 */
const SIGNATURE_FAILURES_TO_ALARM = 3;

export class GatewayHealth {
  #fault: GatewayFault | null = null;
  #signatureFailures = 0;
  readonly #onChange: (fault: GatewayFault | null) => void;

  constructor(onChange: (fault: GatewayFault | null) => void = () => {}) {
    this.#onChange = onChange;
  }

  /** The current fault, or null while the integration works. */
  get fault(): GatewayFault | null {
    return this.#fault;
  }

  observe(call: CallOutcome): void {
    const code =
      call.errorType === 'signature'
        ? 'SIGNATURE_INVALID'
        : call.resultCode && CONFIGURATION_FAULT_CODES.has(call.resultCode)
          ? call.resultCode
          : undefined;
    if (code === 'SIGNATURE_INVALID') {
      this.#signatureFailures += 1;
      if (this.#signatureFailures < SIGNATURE_FAILURES_TO_ALARM) return;
    } else if (call.resultStatus) {
      this.#signatureFailures = 0;
    }
    if (code) {
      if (this.#fault?.code === code) {
        this.#fault = { ...this.#fault, calls: this.#fault.calls + 1 };
        return;
      }
      this.#fault = { code, api: call.api, message: describe(code), since: call.at, calls: 1 };
      this.#onChange(this.#fault);
      return;
    }
    // Any verified answer that is not a fault (S, or a business F/U) shows the integration works again.
    if (this.#fault && call.resultStatus) {
      this.#fault = null;
      this.#onChange(null);
    }
  }
}

/** Whether a payment's reason is a configuration fault (the buyer then hears "briefly unavailable"). */
export function isConfigurationFault(reason: string | null): boolean {
  return reason !== null && (CONFIGURATION_FAULT_CODES.has(reason) || reason === 'SIGNATURE_INVALID');
}

function describe(code: string): string {
  switch (code) {
    case 'SIGNATURE_INVALID':
      return "Antom's answers do not verify: check ANTOM_PUBLIC_KEY (Antom's public key for this client id).";
    case 'INVALID_SIGNATURE':
      return 'Antom refuses our signature: check ANTOM_PRIVATE_KEY and that its public half is uploaded to Antom.';
    case 'KEY_NOT_FOUND':
      return 'Antom knows no key with this version: check ANTOM_KEY_VERSION and the key uploaded to Antom.';
    case 'INVALID_CLIENT':
    case 'CLIENT_INVALID':
    case 'INVALID_CLIENT_STATUS':
      return 'Antom does not accept this client id: check ANTOM_CLIENT_ID and the gateway URL (sandbox or live).';
    default:
      return `Antom refuses this integration (${code}): check the Antom settings and the account's status.`;
  }
}
