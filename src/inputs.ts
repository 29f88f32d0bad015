// Raw action inputs → one typed, validated Settings object. Every check happens here, before any
// network call, so a bad value fails the step without touching Fly or GitHub.
import type { GuestSize } from './provider.js';

export type Mode = 'auto' | 'deploy' | 'destroy';

export interface Settings {
  mode: Mode;
  /** Absent under `pull_request` from a fork (secrets are withheld); plan.ts decides what that means. */
  flyApiToken: string | undefined;
  githubToken: string | undefined;
  image: string | undefined;
  /** The `app-name` input when given (already validated); plan.ts derives the default from the PR. */
  appName: string | undefined;
  org: string;
  region: string;
  internalPort: number;
  guest: GuestSize;
  env: Record<string, string>;
  waitTimeoutSeconds: number;
  comment: boolean;
  allowForks: boolean;
  /** Origin of the Machines API, no trailing slash, e.g. https://api.machines.dev */
  flyApiUrl: string;
}

/** A bad input value. The message names the input, what is wrong, and the accepted form. */
export class InputError extends Error {
  readonly input: string;
  constructor(input: string, problem: string) {
    super(`Input '${input}' ${problem}`);
    this.name = 'InputError';
    this.input = input;
  }
}

/** `read` returns the raw input ('' when unset), as core.getInput does. */
export function readSettings(read: (name: string) => string): Settings {
  throw new Error('not implemented');
}
