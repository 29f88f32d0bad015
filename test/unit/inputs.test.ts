import { describe, expect, it } from 'vitest';
import { InputError, parseEnv, readSettings } from '../../src/inputs.js';

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
      smokeWindowSeconds: 10,
      comment: true,
      deploymentEnvironment: undefined,
      allowForks: false,
      flyApiUrl: 'https://api.machines.dev',
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
        'smoke-window': '0',
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
      smokeWindowSeconds: 0,
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
    ['mode', { mode: 'create' }, /Input 'mode' must be one of auto, deploy, destroy; got "create"/],
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
    // flyctl internal/machine/update.go cpusPerKind: shared 1, 2, 4, 6, 8 (no 16).
    ['cpus', { cpus: '3' }, /Input 'cpus' must be one of 1, 2, 4, 6, 8 for cpu-kind shared; got "3"/],
    ['cpus', { cpus: '16', memory: '4096' }, /Input 'cpus' must be one of 1, 2, 4, 6, 8 for cpu-kind shared; got "16"/],
    ['cpus', { 'cpu-kind': 'performance', cpus: '3', memory: '8192' }, /Input 'cpus' must be one of 1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128 for cpu-kind performance/],
    ['cpus', { cpus: '-1' }, /Input 'cpus' must be a whole number/],
    ['memory', { memory: '300' }, /Input 'memory' must be a multiple of 256 MB from 256 to 2048 for 1 shared CPU; got "300"/],
    ['memory', { memory: '4096' }, /Input 'memory' must be a multiple of 256 MB from 256 to 2048/],
    ['memory', { cpus: '2', memory: '256' }, /from 512 to 4096 for 2 shared CPUs/],
    ['memory', { 'cpu-kind': 'performance', memory: '1024' }, /from 2048 to 8192 for 1 performance CPU/],
    // flyctl internal/machine/update.go: performance memory comes in 1024 MB steps.
    ['memory', { 'cpu-kind': 'performance', memory: '2304' }, /Input 'memory' must be a multiple of 1024 MB from 2048 to 8192 for 1 performance CPU; got "2304"/],
    ['memory', { memory: 'lots' }, /Input 'memory' must be a whole number/],
    ['env', { env: 'JUST_A_KEY' }, /Input 'env' line 1 must be KEY=VALUE; it has no "="/],
    ['env', { env: 'A=1\n2BAD=x' }, /Input 'env' line 2 has the key "2BAD"/],
    ['env', { env: 'A=1\nA=2' }, /Input 'env' line 2 sets A a second time/],
    ['wait-timeout', { 'wait-timeout': '0' }, /Input 'wait-timeout' must be a whole number from 1 to 3600 seconds/],
    ['wait-timeout', { 'wait-timeout': '86400' }, /Input 'wait-timeout'/],
    ['smoke-window', { 'smoke-window': '-1' }, /Input 'smoke-window' must be a whole number from 0 to 600 seconds \(0 disables the check\)/],
    ['smoke-window', { 'smoke-window': '2.5' }, /Input 'smoke-window'/],
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

  it.each<[string, string, string]>([
    ['shared', '6', '1536'],
    ['shared', '8', '16384'],
    ['performance', '6', '12288'],
    ['performance', '128', '262144'],
  ])('accepts the size flyctl accepts: %s × %s CPUs, %s MB', (kind, cpus, memory) => {
    expect(readSettings(read({ 'cpu-kind': kind, cpus, memory })).guest).toEqual({ cpuKind: kind, cpus: Number(cpus), memoryMb: Number(memory) });
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
