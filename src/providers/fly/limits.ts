// Fly's rate limits, kept on our side so a sweep of many previews spaces its changes out instead
// of bursting into 429s: app deletes are limited to 100 a minute, and mutating requests to about
// one a second per app (the limits issue 10 quotes from Fly's Machines API documentation).

/** At most `limit` grants in any `windowMs`; callers beyond that wait their turn, in order. */
export class Throttle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #granted: number[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: number, windowMs: number, now: () => number, sleep: (ms: number) => Promise<void>) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
    this.#sleep = sleep;
  }

  take(): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const now = this.#now();
        while (this.#granted.length > 0 && (this.#granted[0] ?? 0) <= now - this.#windowMs) this.#granted.shift();
        if (this.#granted.length < this.#limit) {
          this.#granted.push(now);
          return;
        }
        await this.#sleep((this.#granted[0] ?? now) + this.#windowMs - now);
      }
    });
    this.#queue = turn;
    return turn;
  }
}

/** One Throttle per key (an app name), made on first use. */
export class KeyedThrottle {
  readonly #throttles = new Map<string, Throttle>();
  readonly #make: () => Throttle;

  constructor(make: () => Throttle) {
    this.#make = make;
  }

  take(key: string): Promise<void> {
    let throttle = this.#throttles.get(key);
    if (throttle === undefined) {
      throttle = this.#make();
      this.#throttles.set(key, throttle);
    }
    return throttle.take();
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
