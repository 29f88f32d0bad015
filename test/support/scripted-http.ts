// Scripted HTTP for unit tests: nock with no real network, every scripted exchange used by the end
// of each test, and the retry waits a client asked for recorded instead of slept.
import nock from 'nock';
import { afterEach, beforeAll, expect } from 'vitest';

export interface ScriptedHttp {
  /** The waits asked for in the current test, in ms; emptied after each test. */
  readonly waits: number[];
  /** A sleep that records its wait and returns at once. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Call at the top level of a test file: it registers the hooks for the whole file. */
export function scriptedHttp(): ScriptedHttp {
  const waits: number[] = [];
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    waits.length = 0;
    expect(pending).toEqual([]);
  });
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** nock hangs on a plain-object error with undici; an Error instance carries the code through. */
export const connectionReset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
