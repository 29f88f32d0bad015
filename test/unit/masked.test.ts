// What the PR is shown of a masked value: nothing. Redaction replaces the longest value first, so a
// secret that holds another (a URL and its password) goes whole, and reaches every string of a view.
import { describe, expect, it } from 'vitest';
import { mask, redact, redactAll } from '../../src/masked.js';

describe('redaction of masked values', () => {
  it('replaces each masked value, the longest first, in every string of a view', () => {
    mask('pa55word-3f1c');
    mask('postgres://app:pa55word-3f1c@db:5432/app');
    expect(redact('connect postgres://app:pa55word-3f1c@db:5432/app failed; pa55word-3f1c refused')).toBe('connect *** failed; *** refused');
    const view = { state: 'failed', reason: 'pa55word-3f1c', recentEvents: ['a pa55word-3f1c b'], exitCode: 1, url: undefined };
    expect(redactAll(view)).toEqual({ state: 'failed', reason: '***', recentEvents: ['a *** b'], exitCode: 1, url: undefined });
  });

  it('leaves the fields the run fills itself whole, so a short secret that happens to stand in a name breaks no link', () => {
    mask('shop');
    const view = { appName: 'pr-2-acme-shop', url: 'https://pr-2-acme-shop.fly.dev', reason: 'the shop token was refused' };
    expect(redactAll(view, new Set(['appName', 'url']))).toEqual({ appName: 'pr-2-acme-shop', url: 'https://pr-2-acme-shop.fly.dev', reason: 'the *** token was refused' });
  });
});
