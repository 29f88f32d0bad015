// The throttles that keep a sweep inside Fly's rate limits, on a fake clock.
import { describe, expect, it } from 'vitest';
import { KeyedThrottle, mapLimit, Throttle } from '../../src/providers/fly/limits.js';

function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('Throttle', () => {
  it('lets 100 app deletes through at once, and the 101st only a minute after the first', async () => {
    const clock = fakeClock();
    const deletes = new Throttle(100, 60_000, clock.now, clock.sleep);
    const grantedAt: number[] = [];
    for (let i = 0; i < 250; i++) {
      await deletes.take();
      grantedAt.push(clock.now());
    }
    expect(grantedAt.slice(0, 100).every((t) => t === 0)).toBe(true);
    expect(grantedAt[100]).toBe(60_000);
    expect(grantedAt[200]).toBe(120_000);
    // Never more than 100 in any minute.
    for (let i = 100; i < grantedAt.length; i++) expect((grantedAt[i] ?? 0) - (grantedAt[i - 100] ?? 0)).toBeGreaterThanOrEqual(60_000);
  });

  it('serves callers that wait at the same time one by one, in order', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(1, 1_000, clock.now, clock.sleep);
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => throttle.take().then(() => order.push(`${name}@${clock.now()}`))));
    expect(order).toEqual(['a@0', 'b@1000', 'c@2000']);
  });
});

describe('KeyedThrottle', () => {
  it('spaces changes to one app a second apart, and leaves other apps alone', async () => {
    const clock = fakeClock();
    const perApp = new KeyedThrottle(() => new Throttle(1, 1_000, clock.now, clock.sleep));
    await perApp.take('a');
    await perApp.take('b');
    expect(clock.now()).toBe(0);
    await perApp.take('a');
    expect(clock.now()).toBe(1_000);
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once, and keeps the order of results', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });
});
