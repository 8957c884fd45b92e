// The integration fault banner (D11): while Antom refuses our credentials or its answers do not
// verify, every console page says what is wrong, since when, and that buyers are told payments are
// briefly unavailable. The health is asked every 15 s and whenever the tab comes back into focus; the
// banner goes once the server reports the gateway ok again (its first normal answer from Antom).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OpsHealth } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { when } from './format.tsx';

export const HEALTH_POLL_MS = 15_000;

/** The newest health answer; a failed call keeps the last one (a banner does not flicker on a blip). */
export function useHealth(api: MerchantApi, onUnauthorized: () => void): OpsHealth | null {
  const [health, setHealth] = useState<OpsHealth | null>(null);
  const unauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    unauthorizedRef.current = onUnauthorized;
  });
  useEffect(() => {
    let current = true;
    const ask = () => {
      api.health().then(
        (answer) => current && setHealth(answer),
        (failure: unknown) => {
          if (current && failure instanceof ApiError && failure.status === 401) unauthorizedRef.current();
        },
      );
    };
    const onVisible = () => document.visibilityState === 'visible' && ask();
    ask();
    const timer = setInterval(ask, HEALTH_POLL_MS);
    window.addEventListener('focus', ask);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      current = false;
      clearInterval(timer);
      window.removeEventListener('focus', ask);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [api]);
  return health;
}

export function HealthBanner({ health }: { health: OpsHealth | null }) {
  const fault = health?.gateway.status === 'fault' ? health.gateway.fault : undefined;
  const databaseDown = health?.database === 'down';
  if (!fault && !databaseDown) return null;
  return (
    <div class="adm-fault" role="alert" data-testid="integration-fault">
      {fault && (
        <>
          {/* SIGNATURE_INVALID is ours to find: Antom's answers arrive but fail our check of its signature. */}
          <p class="adm-fault-title">
            {fault.code === 'SIGNATURE_INVALID'
              ? "Payments are failing: Antom's answers do not verify"
              : 'Payments are failing: Antom refuses this integration'}
          </p>
          <p>{fault.message}</p>
          <p class="adm-fault-more">
            Since {when(new Date(fault.since).toISOString())} · {fault.calls}{' '}
            {fault.calls === 1 ? 'call' : 'calls'}{' '}
            {fault.code === 'SIGNATURE_INVALID' ? 'not verified' : 'refused'}, first on {fault.api} (
            <span class="pd-mono">{fault.code}</span>). Buyers are told payments are briefly unavailable until
            Antom answers a call normally again.
          </p>
        </>
      )}
      {databaseDown && (
        <p class="adm-fault-title">The database does not answer: orders cannot be read or changed.</p>
      )}
    </div>
  );
}
