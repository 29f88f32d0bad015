// What a Koyeb deploy is asked for, and the one context every phase takes: the client, the clock,
// the pauses, and the hostnames the API has reported so far.
import type { Dispatcher } from 'undici';
import type { DeployRequest } from '../../provider.js';
import { phaseContext, type PhaseContext } from '../polling.js';
import { KoyebClient, type KoyebClientOptions } from './client.js';

/** What a Koyeb deploy takes beyond the shared DeployRequest (whose `guest` and `org` are Fly's). */
export interface KoyebDeployExtras {
  /** Koyeb's own safety net: it deletes the service once it has slept this long (life_cycle.delete_after_sleep). */
  ttlSeconds?: number;
  /** Koyeb instance type (nano, micro, small, …). */
  instanceType?: string;
  /** An HTTP health check on the internal port at this path; undefined keeps Koyeb's default TCP check. */
  healthCheckPath?: string;
}

export type KoyebDeployRequest = DeployRequest & KoyebDeployExtras;

/** The extras given at construction apply to every deploy; a request's own extras win. */
export interface KoyebProviderOptions extends KoyebClientOptions, KoyebDeployExtras {
  now?: () => number;
  /** Pauses between deployment polls; the last one repeats. Koyeb deploys take seconds, not milliseconds. */
  pollIntervalsMs?: readonly number[];
  /** Pauses before looking again for something a create said exists but a listing does not show yet. */
  lookAgainDelaysMs?: readonly number[];
}

const defaultPollIntervalsMs = [1_000, 2_000, 3_000, 5_000];
const defaultLookAgainDelaysMs = [500, 1_000, 2_000, 4_000];

export interface KoyebContext extends PhaseContext<KoyebClient> {
  /** Hostnames as the API reported them, by app name, for hostnameFor. */
  readonly hostnames: Map<string, string>;
  /** What a request to a preview's own URL goes through (tests pass a MockAgent); undefined: undici's default. */
  readonly dispatcher: Dispatcher | undefined;
  /** The API token, which keys the digest of the secrets' values (secrets.ts). */
  readonly token: string;
}

export function koyebContext(options: KoyebProviderOptions): KoyebContext {
  const phases = phaseContext(new KoyebClient(options), options, {
    pollIntervalsMs: defaultPollIntervalsMs,
    lookAgainDelaysMs: defaultLookAgainDelaysMs,
  });
  return { ...phases, hostnames: new Map(), dispatcher: options.dispatcher, token: options.token };
}
