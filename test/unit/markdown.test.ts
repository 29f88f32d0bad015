import { describe, expect, it } from 'vitest';
import { code } from '../../src/github/markdown.js';
import { renderPreview } from '../../src/github/render.js';

describe('text from inputs in the PR comment', () => {
  it('a template name with backticks or a pipe shows as written, inside its table cell', () => {
    expect(code('seed')).toBe('`seed`');
    expect(code('we`ird|seed')).toBe('``we`ird\\|seed``');
    expect(code('`edge')).toBe('`` `edge ``');
    const body = renderPreview(
      { state: 'ready', appName: 'pr-1-acme-shop', url: 'https://pr-1-acme-shop.fly.dev', region: 'iad', sha: 'a'.repeat(40), machineId: 'm1', database: { name: 'pr_1_acme_shop_d21b2cdf', template: 'x` | [link](https://evil.example)' } },
      { runUrl: undefined },
    );
    const row = body.split('\n').find((line) => line.includes('**Database**')) ?? '';
    // One code span holds the whole name: no link is made and the row keeps its two cells.
    expect(row).toContain('``x` \\| [link](https://evil.example)``');
    expect(row.split(/(?<!\\)\|/).length).toBe(4);
  });
});
