// Domain errors of the sandbox: the services say what rule refused an action, in a stable code and no
// HTTP (D12.4); the control and wallet routes turn them into statuses (control.routes.ts).

/** A buyer or operator action the sandbox's rules refuse (e.g. paying a cancelled code). */
export class SandboxRuleError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SandboxRuleError';
    this.code = code;
  }
}

/** A fault-injection configuration that does not parse; nothing changes. */
export class FaultConfigError extends Error {
  readonly code = 'INVALID_FAULTS';
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigError';
  }
}
