import { describe, expect, it } from 'vitest';
import { InputError, parseEnv, parseTtl, readSettings } from '../../src/inputs.js';

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function rejection(values: Record<string, string>): InputError {
  try {
    readSettings(read(values));
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(values)}`);
}

describe('readSettings', () => {
  it('fills in the documented defaults', () => {
    expect(readSettings(read({}))).toEqual({
      mode: 'auto',
      flyApiToken: undefined,
      githubToken: undefined,
      image: undefined,
      appName: undefined,
      org: 'personal',
      region: 'iad',
      internalPort: 8080,
      guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
      env: {},
      waitTimeoutSeconds: 300,
      comment: true,
      deploymentEnvironment: undefined,
      allowForks: false,
      flyApiUrl: 'https://api.machines.dev',
      ttlMs: undefined,
      dryRun: false,
      label: undefined,
      prNumber: undefined,
    });
  });

  it('reads the sweep, label and pr-number inputs', () => {
    expect(readSettings(read({ mode: 'sweep', ttl: '7d', 'dry-run': 'true', label: 'needs preview 🚀', 'pr-number': '42' }))).toMatchObject({
      mode: 'sweep',
      ttlMs: 7 * 24 * 3_600_000,
      dryRun: true,
      label: 'needs preview 🚀',
      prNumber: 42,
    });
  });

  it('reads every input', () => {
    const settings = readSettings(
      read({
        'fly-api-token': ' FlyV1 fm2_abc ',
        'github-token': 'ghs_x',
        mode: 'deploy',
        image: 'registry.fly.io/my-app:pr-12-abc123',
        'app-name': 'my-preview-12',
        org: 'acme-inc',
        region: 'lhr',
        'internal-port': '3000',
        'cpu-kind': 'performance',
        cpus: '2',
        memory: '4096',
        env: 'A=1\n\n# comment\nB=x=y\r\nC=',
        'wait-timeout': '120',
        comment: 'False',
        'allow-forks': 'TRUE',
        'fly-api-url': 'http://127.0.0.1:4280/',
      }),
    );
    expect(settings).toMatchObject({
      flyApiToken: 'FlyV1 fm2_abc',
      mode: 'deploy',
      image: 'registry.fly.io/my-app:pr-12-abc123',
      appName: 'my-preview-12',
      org: 'acme-inc',
      region: 'lhr',
      internalPort: 3000,
      guest: { cpuKind: 'performance', cpus: 2, memoryMb: 4096 },
      env: { A: '1', B: 'x=y', C: '' },
      waitTimeoutSeconds: 120,
      comment: false,
      allowForks: true,
      flyApiUrl: 'http://127.0.0.1:4280',
    });
  });

  it.each([
    'nginx',
    'nginx:1.27-alpine',
    'docker.io/library/nginx:latest',
    'registry.fly.io/app_name/sub.path__x:tag',
    'localhost:5000/team/app:v1.2.3',
    `ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`,
    `registry.fly.io/shop:pr-1@sha256:${'0'.repeat(64)}`,
  ])('accepts the image reference %s', (image) => {
    expect(readSettings(read({ image })).image).toBe(image);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['mode', { mode: 'create' }, /Input 'mode' must be one of auto, deploy, destroy, sweep; got "create"/],
    ['ttl', { ttl: '7' }, /Input 'ttl' must be a whole number of hours or days such as 48h or 7d .*; got "7"/],
    ['ttl', { ttl: '30m' }, /Input 'ttl'/],
    ['ttl', { ttl: '0d' }, /Input 'ttl'/],
    ['ttl', { ttl: '1.5d' }, /Input 'ttl'/],
    ['ttl', { ttl: '367d' }, /at most 366d/],
    ['ttl', { ttl: '7 d' }, /Input 'ttl'/],
    ['dry-run', { 'dry-run': 'maybe' }, /Input 'dry-run' must be true or false/],
    ['label', { label: 'x'.repeat(51) }, /Input 'label' must be one GitHub label name of at most 50 characters/],
    ['label', { label: 'a\nb' }, /Input 'label'/],
    ['pr-number', { 'pr-number': '#12' }, /Input 'pr-number' must be a pull request number such as 12 \(no #\); got "#12"/],
    ['pr-number', { 'pr-number': '0' }, /Input 'pr-number'/],
    ['pr-number', { 'pr-number': '12abc' }, /Input 'pr-number'/],
    ['image', { image: 'Registry.fly.io/UPPER:tag' }, /Input 'image' must be an image reference like registry.fly.io\/myapp:pr-12/],
    ['image', { image: 'nginx:bad tag' }, /Input 'image' must be a single line|Input 'image' must be an image reference/],
    ['image', { image: 'nginx@sha256:abc' }, /Input 'image' must be an image reference/],
    ['image', { image: 'nginx\n::set-output name=x::y' }, /Input 'image' must be a single line without control characters/],
    ['app-name', { 'app-name': 'My_App' }, /Input 'app-name' must be 1 to 63 lowercase letters, digits and dashes/],
    ['app-name', { 'app-name': '1-starts-with-digit' }, /Input 'app-name'/],
    ['app-name', { 'app-name': 'ends-with-dash-' }, /Input 'app-name'/],
    ['app-name', { 'app-name': `a${'b'.repeat(63)}` }, /Input 'app-name'/],
    ['org', { org: 'Acme Inc' }, /Input 'org' must be an organization slug/],
    ['region', { region: 'us-east' }, /Input 'region' must be a three-letter Fly region code/],
    ['internal-port', { 'internal-port': '0' }, /Input 'internal-port' must be a whole number from 1 to 65535; got "0"/],
    ['internal-port', { 'internal-port': '65536' }, /Input 'internal-port'/],
    ['internal-port', { 'internal-port': '8080.5' }, /Input 'internal-port'/],
    ['internal-port', { 'internal-port': '1e3' }, /Input 'internal-port'/],
    ['internal-port', { 'internal-port': '0x50' }, /Input 'internal-port'/],
    ['internal-port', { 'internal-port': '+80' }, /Input 'internal-port'/],
    ['internal-port', { 'internal-port': '080' }, /Input 'internal-port'/],
    ['cpu-kind', { 'cpu-kind': 'dedicated' }, /Input 'cpu-kind' must be one of shared, performance/],
    ['cpus', { cpus: '3' }, /Input 'cpus' must be one of 1, 2, 4, 6, 8, 16 for cpu-kind shared; got "3"/],
    ['cpus', { 'cpu-kind': 'performance', cpus: '6', memory: '12288' }, /Input 'cpus' must be one of 1, 2, 4, 8, 16 for cpu-kind performance/],
    ['cpus', { cpus: '-1' }, /Input 'cpus' must be a whole number/],
    ['memory', { memory: '300' }, /Input 'memory' must be a multiple of 256 MB from 256 to 2048 for 1 shared CPU; got "300"/],
    ['memory', { memory: '4096' }, /Input 'memory' must be a multiple of 256 MB from 256 to 2048/],
    ['memory', { cpus: '2', memory: '256' }, /from 512 to 4096 for 2 shared CPUs/],
    ['memory', { 'cpu-kind': 'performance', memory: '1024' }, /from 2048 to 8192 for 1 performance CPU/],
    ['memory', { memory: 'lots' }, /Input 'memory' must be a whole number/],
    ['env', { env: 'JUST_A_KEY' }, /Input 'env' line 1 must be KEY=VALUE; it has no "="/],
    ['env', { env: 'A=1\n2BAD=x' }, /Input 'env' line 2 has the key "2BAD"/],
    ['env', { env: 'A=1\nA=2' }, /Input 'env' line 2 sets A a second time/],
    ['wait-timeout', { 'wait-timeout': '0' }, /Input 'wait-timeout' must be a whole number from 1 to 3600 seconds/],
    ['wait-timeout', { 'wait-timeout': '86400' }, /Input 'wait-timeout'/],
    ['comment', { comment: 'yes' }, /Input 'comment' must be true or false; got "yes"/],
    ['allow-forks', { 'allow-forks': '1' }, /Input 'allow-forks' must be true or false/],
    ['deployment-environment', { 'deployment-environment': 'pre view' }, /Input 'deployment-environment' must be an environment name prefix/],
    ['fly-api-url', { 'fly-api-url': 'api.machines.dev' }, /Input 'fly-api-url' must be an http\(s\) URL/],
    ['fly-api-url', { 'fly-api-url': 'ftp://api.machines.dev' }, /Input 'fly-api-url'/],
    ['fly-api-url', { 'fly-api-url': 'https://user:pw@api.machines.dev' }, /without credentials/],
  ])('rejects a bad %s, naming it and the accepted form', (input, values, message) => {
    const error = rejection(values);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it('never echoes an env value in an error (they are often secrets)', () => {
    const error = rejection({ env: 'TOKEN=hunter2-very-secret\nTOKEN=hunter2-very-secret' });
    expect(error.message).not.toContain('hunter2');
  });

  it('quotes and shortens a rejected value so it cannot start a workflow command line', () => {
    const error = rejection({ region: `::error::${'x'.repeat(100)}` });
    expect(error.message).toContain('got "::error::');
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('parseEnv', () => {
  it('keeps "=" inside values, ignores blank and comment lines, and takes CRLF', () => {
    expect(parseEnv('URL=postgres://u:p@h/db?x=1\r\n\r\n  # note\nEMPTY=\n')).toEqual({
      URL: 'postgres://u:p@h/db?x=1',
      EMPTY: '',
    });
  });
});

it('an env key named __proto__ is an ordinary variable', () => {
  const env = parseEnv('__proto__=x\nA=1');
  expect(Object.keys(env)).toEqual(['__proto__', 'A']);
  expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
});

describe('parseTtl', () => {
  it.each<[string, number | undefined]>([
    ['', undefined],
    ['1h', 3_600_000],
    ['48h', 48 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['366d', 366 * 86_400_000],
    ['8784h', 366 * 86_400_000],
  ])('%j is %s ms', (raw, ms) => {
    expect(parseTtl(raw)).toBe(ms);
  });

  it.each(['d', 'h', '-1d', '1w', '1D', '01d', '8785h', ' 1d'])('rejects %j, naming ttl', (raw) => {
    expect(() => parseTtl(raw)).toThrow(/Input 'ttl'/);
  });
});
