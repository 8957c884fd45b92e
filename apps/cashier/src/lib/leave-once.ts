// The hosted pages move between /checkout/:token, /pay and /result with location.replace/assign (S14).
// A second navigation before the page unloads aborts the first (the browser reports ERR_ABORTED), and
// status updates arriving while the page is leaving ('working' then 'paying', 'cancelling' then 'methods')
// asked for the same move twice. Once a page is leaving it stays on that course; the next page decides
// again from the server's status.

export interface Leave {
  /** Goes to `path` unless the page is already leaving; true when this call started the move. */
  go(path: string, replace?: boolean): boolean;
  /** The page is shown again (restored from the back-forward cache): it may leave again. */
  reset(): void;
}

export function leaveOnce(navigate: (path: string, replace: boolean) => void): Leave {
  let leaving = false;
  return {
    go(path, replace = false) {
      if (leaving) return false;
      leaving = true;
      navigate(path, replace);
      return true;
    },
    reset() {
      leaving = false;
    },
  };
}
