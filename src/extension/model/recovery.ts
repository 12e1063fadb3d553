// What a user can do when a registry could not be reached, decided from the engine's error alone: plain data, no
// `vscode` (Add Registry's recovery choices; a face words and shows them). The order is the order to offer them in,
// the most likely fix first.
import { httpsFailureMeansPlainHttp, isLoopbackHost, isRegistryError, parseRegistry } from '../../engine';

/** A way on from a failed connection test that keeps what the user typed. */
export type Remedy =
  | 'retry' // test again, unchanged
  | 'edit-address' // correct the address, then test again
  | 'add-anyway' // save without a test (offline, VPN down): the tree says what fails until it works
  | 'use-http' // the same host over plain http
  | 'choose-ca-file' // trust the registry's own CA (saved as its caFile setting)
  | 'mark-insecure'; // turn certificate verification off for it

/** The login step to ask again: the registry wants a login (auth), or refused the password or token given. */
export type LoginStep = 'auth' | 'password' | 'token';

export type Recovery = { ask: LoginStep } | { remedies: Remedy[] };

export interface ConnectionAttempt {
  /** The address as the user wrote it (`host[:port]` or a URL). */
  url: string;
  login: 'anonymous' | 'password' | 'token';
  insecure?: boolean;
}

/** Which step to ask again, or which remedies fit, for the error a connection test ended with. */
export function recoveryFor(error: unknown, attempt: ConnectionAttempt): Recovery {
  const e = isRegistryError(error) ? error : undefined;
  if (e?.need === 'credentials' && attempt.login !== 'anonymous') return { ask: attempt.login };
  if (e?.need) return { ask: 'auth' };
  const { host, scheme } = parseRegistry(attempt.url);
  const plainHttp = e !== undefined && httpsFailureMeansPlainHttp(e);
  if (plainHttp && scheme !== 'http') return { remedies: ['use-http', 'edit-address', 'retry'] };
  switch (e?.code) {
    case 'TLS':
      return { remedies: ['choose-ca-file', ...(attempt.insecure ? [] : ['mark-insecure' as const]), 'edit-address', 'retry'] };
    case 'BAD_INPUT': // the CA file could not be read
      return { remedies: ['choose-ca-file', 'edit-address'] };
    case 'NOT_FOUND': // answers, but not like a registry
    case 'UNSAFE_AUTH':
      return { remedies: ['edit-address', 'retry'] };
    default: {
      const http = scheme !== 'http' && isLoopbackHost(host) ? ['use-http' as const] : [];
      return { remedies: ['retry', 'edit-address', 'add-anyway', ...http] };
    }
  }
}

/** The address with `http://` (what Use http:// saves). */
export function plainHttpAddress(url: string): string {
  return `http://${parseRegistry(url).host}`;
}
