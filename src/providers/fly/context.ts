// What every phase of a Fly deploy shares: the API client, the clock, the pacing of changes and
// the token. The provider makes one and hands it to each phase; no phase module keeps state.
import { sleep } from '../../retry.js';
import { FlyClient } from './client.js';
import type { FlyHttpOptions } from './http.js';
import { KeyedThrottle, Throttle } from './limits.js';

export interface FlyContext {
  readonly client: FlyClient;
  /** The API token, which keys the digest of the secrets' values (secrets.ts). */
  readonly token: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** App deletes, at most 100 a minute (limits.ts). */
  readonly appDeletes: Throttle;
  /** Changes to one app, about one a second (limits.ts). */
  readonly appChanges: KeyedThrottle;
}

export function flyContext(options: FlyHttpOptions & { now?: () => number }): FlyContext {
  const client = new FlyClient(options);
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  return {
    client,
    token: options.token,
    now,
    sleep: pause,
    random: options.random ?? Math.random,
    appDeletes: new Throttle(100, 60_000, now, pause),
    appChanges: new KeyedThrottle(() => new Throttle(1, 1_000, now, pause)),
  };
}
