import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, parseEnv, parseSecrets, parseTtl, secretValuesToMask } from '../../src/common-inputs.js';
import { readSettings } from '../../src/inputs.js';
import { appNameRule } from '../../src/providers/fly/names.js';

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function rejection(values: Record<string, string>, workspace?: string): InputError {
  try {
    readSettings(read(values), workspace);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(values)}`);
}

const comfyVersion = '094306b626e9cf505690c5d8b445032b3b8a36fa';

describe('provider', () => {
  it('koyeb: its own token, API, region, instance type, app-name rule and defaults; no fly.toml is read', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'koyeb-inputs-'));
    writeFileSync(join(workspace, 'fly.toml'), 'this is not TOML [');
    expect(readSettings(read({ provider: 'koyeb', 'koyeb-api-token': ' kt ' }), workspace)).toMatchObject({
      provider: 'koyeb',
      apiToken: 'kt',
      apiUrl: 'https://app.koyeb.com',
      region: 'was',
      instanceType: 'nano',
      internalPort: 8080,
      waitTimeoutSeconds: 300,
      smokeWindowSeconds: 0,
      appConfig: undefined,
    });
    expect(
      readSettings(read({ provider: 'koyeb', region: 'fra', size: 'micro', 'internal-port': '3000', 'app-name': 'pr-1-shop', 'koyeb-api-url': 'http://127.0.0.1:9/' })),
    ).toMatchObject({ region: 'fra', instanceType: 'micro', internalPort: 3000, appName: 'pr-1-shop', apiUrl: 'http://127.0.0.1:9' });
  });

  it('koyeb: a Fly region, an instance type of the wrong form, or a name Koyeb refuses fail naming the input', () => {
    expect(rejection({ provider: 'koyeb', region: 'Frankfurt' }).message).toMatch(/Input 'region' must be a Koyeb region code such as was/);
    expect(rejection({ provider: 'koyeb', size: 'shared cpu' }).message).toMatch(/Input 'size' must be a Koyeb instance type/);
    expect(rejection({ provider: 'koyeb', 'app-name': 'a-preview-name-longer-than-23' }).message).toMatch(/Input 'app-name' must be 3 to 23/);
  });

  it.each([
    ['koyeb', 'config', 'fly.toml'],
    ['koyeb', 'cpu-kind', 'shared'],
    ['koyeb', 'cpus', '2'],
    ['koyeb', 'memory', '512'],
    ['koyeb', 'org', 'acme'],
    ['koyeb', 'fly-api-token', 'x'],
    ['koyeb', 'fly-api-url', 'http://x'],
    ['koyeb', 'smoke-window', '5'],
    ['koyeb', 'comfyui-version', comfyVersion],
    ['fly', 'koyeb-api-token', 'x'],
    ['fly', 'gpu', 'T4'],
    ['fly', 'node-path', 'nodes'],
    ['comfydeploy', 'image', 'ghcr.io/a/b:1'],
    ['comfydeploy', 'env', 'A=1'],
    ['comfydeploy', 'secrets', 'A=1'],
    ['comfydeploy', 'region', 'was'],
    ['comfydeploy', 'size', 'nano'],
    ['comfydeploy', 'internal-port', '80'],
    ['comfydeploy', 'autostop', 'off'],
    ['comfydeploy', 'koyeb-api-url', 'http://x'],
  ])('provider %s refuses %s, naming the input and the provider', (provider, input, given) => {
    const error = rejection({ provider, 'comfyui-version': provider === 'comfydeploy' ? comfyVersion : '', [input]: given });
    expect(error.input).toBe(input);
    expect(error.message).toContain(`provider: ${provider}`);
  });

  it('comfydeploy: requires comfyui-version, reads the build inputs, and waits 1200 s by default', () => {
    expect(rejection({ provider: 'comfydeploy' }).message).toMatch(/Input 'comfyui-version' is required with provider: comfydeploy/);
    expect(rejection({ provider: 'comfydeploy', 'comfyui-version': 'v0.3.10' }).input).toBe('comfyui-version');
    expect(rejection({ provider: 'comfydeploy', 'comfyui-version': comfyVersion, gpu: 'RTX9090' }).input).toBe('gpu');
    expect(rejection({ provider: 'comfydeploy', 'comfyui-version': comfyVersion, 'custom-nodes': 'https://github.com/a/b@main' }).input).toBe('custom-nodes');
    expect(rejection({ provider: 'comfydeploy', 'comfyui-version': comfyVersion, 'node-path': '../up' }).input).toBe('node-path');
    const extra = `https://github.com/cubiq/ComfyUI_essentials@${'3'.repeat(40)}`;
    expect(
      readSettings(read({ provider: 'comfydeploy', 'comfyui-version': comfyVersion.toUpperCase(), 'custom-nodes': `# needs\n${extra}`, 'node-path': 'nodes/acme' })),
    ).toMatchObject({
      provider: 'comfydeploy',
      apiUrl: 'https://api.comfydeploy.com/api',
      waitTimeoutSeconds: 1200,
      region: '',
      comfyDeploy: { comfyuiVersion: comfyVersion, gpu: 'CPU', extraNodes: [{ url: 'https://github.com/cubiq/ComfyUI_essentials', commit: '3'.repeat(40) }], nodePath: 'nodes/acme' },
    });
    expect(readSettings(read({ provider: 'comfydeploy', 'comfyui-version': comfyVersion, 'wait-timeout': '60' })).waitTimeoutSeconds).toBe(60);
  });

  it('an unknown provider is refused with the accepted ones', () => {
    expect(rejection({ provider: 'heroku' }).message).toBe('Input \'provider\' must be one of fly, koyeb, comfydeploy; got "heroku"');
  });
});

describe('readSettings', () => {
  it('fills in the documented defaults', () => {
    expect(readSettings(read({}), undefined)).toEqual({
      mode: 'auto',
      provider: 'fly',
      instanceType: undefined,
      comfyDeploy: undefined,
      configPath: undefined,
      appConfig: undefined,
      overrides: { autostop: 'stop' },
      configWarnings: [],
      secrets: {},
      apiToken: undefined,
      githubToken: undefined,
      image: undefined,
      appName: undefined,
      nameRule: appNameRule,
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
      apiUrl: 'https://api.machines.dev',
      ttlMs: undefined,
      dryRun: false,
      label: undefined,
      prNumber: undefined,
      maxPreviews: undefined,
      maxPreviewsPolicy: 'evict',
      drafts: 'deploy',
    });
  });

  it('reads the budget inputs: max-previews, its policy and drafts', () => {
    expect(readSettings(read({ 'max-previews': '3', 'max-previews-policy': 'refuse', drafts: 'skip' }), undefined)).toMatchObject({
      maxPreviews: 3,
      maxPreviewsPolicy: 'refuse',
      drafts: 'skip',
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['max-previews', { 'max-previews': '0' }, /^Input 'max-previews' must be a whole number from 1 to 10000 \(the most live previews at once\), or empty for no cap; got "0"$/],
    ['max-previews', { 'max-previews': '-1' }, /^Input 'max-previews' must be a whole number from 1 .*; got "-1"$/],
    ['max-previews', { 'max-previews': '3.5' }, /^Input 'max-previews' .*; got "3.5"$/],
    ['max-previews', { 'max-previews': 'three' }, /^Input 'max-previews' .*; got "three"$/],
    ['max-previews', { 'max-previews': '10001' }, /^Input 'max-previews' .*; got "10001"$/],
    ['max-previews-policy', { 'max-previews-policy': 'oldest' }, /^Input 'max-previews-policy' must be one of evict, refuse; got "oldest"$/],
    ['drafts', { drafts: 'no' }, /^Input 'drafts' must be one of deploy, skip; got "no"$/],
  ])('refuses a bad %s, naming it and the accepted form', (input, values, message) => {
    let thrown: unknown;
    try {
      readSettings(read(values), undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe(input);
    expect((thrown as InputError).message).toMatch(message);
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
        'smoke-window': '0',
        comment: 'False',
        'allow-forks': 'TRUE',
        'fly-api-url': 'http://127.0.0.1:4280/',
      }),
    );
    expect(settings).toMatchObject({
      apiToken: 'FlyV1 fm2_abc',
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
      apiUrl: 'http://127.0.0.1:4280',
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
    ['cpus', { cpus: '3' }, /Input 'cpus' must be one of 1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128; got "3"/],
    ['memory', { cpus: '16', memory: '4096' }, /Input 'memory' gives process group "app" a machine size Fly does not accept: shared machines have 1, 2, 4, 6, 8 CPUs, not 16/],
    ['cpus', { cpus: '16' }, /Input 'cpus' gives process group "app" a machine size Fly does not accept: shared machines have 1, 2, 4, 6, 8 CPUs/],
    ['cpus', { cpus: '-1' }, /Input 'cpus' must be a whole number/],
    ['memory', { memory: '300' }, /Input 'memory' must be a multiple of 256 MB; got "300"/],
    ['memory', { memory: '4096' }, /Input 'memory' .*1 shared CPU take a multiple of 256 MB from 256 to 2048, not 4096 MB/],
    ['memory', { cpus: '2', memory: '256' }, /2 shared CPUs take a multiple of 256 MB from 512 to 4096, not 256 MB/],
    ['memory', { 'cpu-kind': 'performance', memory: '1024' }, /1 performance CPU take a multiple of 1024 MB from 2048 to 8192/],
    ['memory', { 'cpu-kind': 'performance', cpus: '2', memory: '4352' }, /2 performance CPUs take a multiple of 1024 MB from 4096 to 16384, not 4352 MB/],
    // flyctl internal/machine/update.go: performance memory comes in 1024 MB steps.
    ['memory', { 'cpu-kind': 'performance', memory: '2304' }, /1 performance CPU take a multiple of 1024 MB from 2048 to 8192, not 2304 MB/],
    ['memory', { memory: 'lots' }, /Input 'memory' must be a whole number/],
    ['cpu-kind', { 'cpu-kind': 'performance' }, /Input 'cpu-kind' gives process group "app" a machine size Fly does not accept: 1 performance CPU take/],
    ['size', { size: 'shared-cpu-3x' }, /Input 'size' must be one of shared-cpu-1x, shared-cpu-2x, .*performance-16x/],
    ['autostop', { autostop: 'sleep' }, /Input 'autostop' must be one of stop, suspend, off; got "sleep"/],
    ['config', { config: 'missing/fly.toml' }, /Input 'config' names "missing\/fly.toml", which is not in the workspace/],
    ['config', { config: '../outside.toml' }, /Input 'config' must be a path inside the workspace/],
    ['config', { config: '/etc/passwd' }, /Input 'config' must be a path inside the workspace/],
    ['secrets', { secrets: 'JUST_A_KEY' }, /Input 'secrets' line 1 must be KEY=VALUE or KEY<<EOF/],
    ['secrets', { secrets: 'A=1\nA=2' }, /Input 'secrets' line 2 sets A a second time/],
    ['secrets', { secrets: 'PEM<<EOF\nline\n' }, /Input 'secrets' line 1 starts PEM<<"EOF" but no later line is exactly "EOF"/],
    ['secrets', { secrets: 'A=1', env: 'A=2' }, /Input 'secrets' sets A, which the env input sets too/],
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

  it('size sets the guest; cpu-kind, cpus and memory refine it', () => {
    expect(readSettings(read({ size: 'performance-2x' })).guest).toEqual({ cpuKind: 'performance', cpus: 2, memoryMb: 4096 });
    expect(readSettings(read({ size: 'shared-cpu-2x', memory: '2048' })).guest).toEqual({ cpuKind: 'shared', cpus: 2, memoryMb: 2048 });
  });

  it('never echoes a secret value in an error', () => {
    const error = rejection({ secrets: 'TOKEN=hunter2-very-secret\nTOKEN=hunter2-very-secret' });
    expect(error.message).not.toContain('hunter2');
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

describe('config (fly.toml)', () => {
  const workspace = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'fly-preview-ws-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
  const rails = '[http_service]\ninternal_port = 3000\n[[vm]]\nsize = "shared-cpu-2x"\n[processes]\napp = ""\nworker = "bin/jobs"\nprimary_region = "x"\n';

  it('reads fly.toml at the workspace root by default; the file gives region, port and size', () => {
    const dir = workspace({ 'fly.toml': 'primary_region = "ams"\n[http_service]\ninternal_port = 3000\n[[vm]]\nsize = "shared-cpu-2x"\n' });
    const settings = readSettings(read({}), dir);
    expect(settings).toMatchObject({ configPath: 'fly.toml', region: 'ams', internalPort: 3000, guest: { cpuKind: 'shared', cpus: 2, memoryMb: 512 } });
    expect(settings.appConfig?.httpService?.internal_port).toBe(3000);
  });

  it('explicit inputs win over the file', () => {
    const dir = workspace({ 'fly.toml': 'primary_region = "ams"\n[http_service]\ninternal_port = 3000\n[[vm]]\nsize = "shared-cpu-2x"\n' });
    const settings = readSettings(read({ region: 'syd', 'internal-port': '9000', memory: '1024' }), dir);
    expect(settings).toMatchObject({ region: 'syd', internalPort: 9000, guest: { cpuKind: 'shared', cpus: 2, memoryMb: 1024 } });
    expect(settings.overrides).toEqual({ autostop: 'stop', region: 'syd', internalPort: 9000, memoryMb: 1024 });
  });

  it('keeps what the fly.toml has that a preview does not use, to be said once', () => {
    const dir = workspace({ 'fly.toml': 'primary_region = "ams"\n[[vm]]\nsize = "shared-cpu-2x"\n' });
    expect(readSettings(read({}), dir).configWarnings).toEqual(['The fly.toml defines no [http_service] or [[services]], so the preview URL will not answer.']);
    expect(readSettings(read({}), workspace({})).configWarnings).toEqual([]);
  });

  it('takes a config path inside the workspace', () => {
    const dir = workspace({ 'deploy/fly.staging.toml': rails.replace('primary_region = "x"\n', '') });
    expect(readSettings(read({ config: 'deploy/fly.staging.toml' }), dir)).toMatchObject({ configPath: 'deploy/fly.staging.toml', internalPort: 3000 });
  });

  it('says which line of the file is wrong, before any call', () => {
    const dir = workspace({ 'fly.toml': 'app = "x"\n\n[http_service\ninternal_port = 3000\n' });
    const error = rejection({}, dir);
    expect(error.input).toBe('config');
    expect(error.message).toMatch(/^Input 'config' is not a fly.toml the action can use: fly.toml line 3, column \d+: /);
  });

  it('a run that does not deploy reads no fly.toml: a missing or broken one stops only a deploy', () => {
    const broken = workspace({ 'fly.toml': 'app = "x"\n\n[http_service\n' });
    for (const [values, dir] of [[{ config: 'deploy/fly.preview.toml' }, workspace({})], [{}, broken]] as const) {
      expect(readSettings(read(values), dir, { deploys: false })).toMatchObject({ appConfig: undefined, configWarnings: [] });
      expect(() => readSettings(read(values), dir)).toThrow(InputError);
    }
  });

  it('refuses a file whose values flyctl would refuse, naming the key', () => {
    const dir = workspace({ 'fly.toml': '[[vm]]\nsize = "tiny"\n' });
    expect(rejection({}, dir).message).toMatch(/Input 'config' .*size "tiny" is not a Fly machine size/);
  });
});

describe('parseSecrets', () => {
  const pem = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC+/=', '-----END PRIVATE KEY-----'].join('\n');

  it('keeps values exactly: "=", spaces, quotes; multi-line values between KEY<<EOF and EOF', () => {
    expect(parseSecrets(`DATABASE_URL=postgres://u:p@h/db?sslmode=require&x=1\nPHRASE= two words "quoted" \n\n# comment\nKEY<<EOF\n${pem}\nEOF\nAFTER=1`)).toEqual({
      DATABASE_URL: 'postgres://u:p@h/db?sslmode=require&x=1',
      PHRASE: ' two words "quoted" ',
      KEY: pem,
      AFTER: '1',
    });
  });

  it('takes any delimiter, CRLF line ends, and a block whose lines look like entries or comments', () => {
    expect(parseSecrets('A<<END_OF_A\r\nX=1\r\n# not a comment\r\nEND_OF_A\r\n')).toEqual({ A: 'X=1\n# not a comment' });
  });

  it('masks every value and every line of a multi-line value, even in an input it will refuse', () => {
    const masked = secretValuesToMask(`A=one\nKEY<<EOF\n${pem}\nEOF\nbroken line\nB<<NEVER\nleft open`);
    expect(masked).toEqual(expect.arrayContaining(['one', pem, '-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC+/=', 'broken line', 'left open']));
  });

  it('masks each value on its own after a commented-out block start, as parseSecrets reads it', () => {
    const raw = '# OLD_KEY<<EOF\nA=first-secret\n  #B<<END\nB=second-secret';
    expect(parseSecrets(raw)).toEqual({ A: 'first-secret', B: 'second-secret' });
    expect(secretValuesToMask(raw).sort()).toEqual(['first-secret', 'second-secret']);
  });
});

describe('database inputs', () => {
  const url = 'postgres://admin:s3cr%40t@db.example.com:5432/postgres?sslmode=require';

  it("are read into the room's settings with the platform's, DATABASE_URL by default; empty is no database", () => {
    expect(readSettings(read({}), undefined).database).toBeUndefined();
    // The app's variable matters only with a database: secrets may hold DATABASE_URL without one.
    expect(readSettings(read({ secrets: 'DATABASE_URL=postgres://elsewhere' }), undefined).database).toBeUndefined();
    const settings = readSettings(read({ 'database-url': url, 'database-template': 'seed', 'database-app-host': 'pg.flycast:5433' }), undefined).database;
    expect(settings).toMatchObject({ template: 'seed', env: 'DATABASE_URL', appHost: { host: 'pg.flycast', port: 5433 }, server: { host: 'db.example.com', password: 's3cr@t' } });
    expect(readSettings(read({ provider: 'koyeb', 'database-url': url, 'database-env': 'PG_URL' }), undefined).database?.env).toBe('PG_URL');
  });

  it('are refused as input errors naming the input, never the password', () => {
    const bad = rejection({ 'database-url': 'postgres://admin:s3cr%40t@db.example.com/postgres#x' });
    expect(bad.input).toBe('database-url');
    expect(bad.message).not.toContain('s3cr');
    expect(rejection({ 'database-url': url, 'database-env': '9LIVES' }).message).toMatch(/^Input 'database-env' must be an environment variable name/);
    expect(rejection({ 'database-template': 'seed' }).message).toBe("Input 'database-template' is set but database-url is empty; set database-url to give each preview a database");
  });

  it('refuse a database-env that the secrets or env input also sets', () => {
    expect(rejection({ 'database-url': url, secrets: 'DATABASE_URL=x' }).message).toMatch(/^Input 'database-env' names DATABASE_URL, which the secrets input sets too/);
    expect(rejection({ 'database-url': url, 'database-env': 'DB', env: 'DB=1' }).message).toMatch(/^Input 'database-env' names DB, which the env input sets too/);
  });

  it('are refused with provider: comfydeploy, each of them', () => {
    for (const name of ['database-url', 'database-template', 'database-app-host', 'database-env']) {
      const error = rejection({ provider: 'comfydeploy', 'comfyui-version': comfyVersion, [name]: name === 'database-url' ? url : 'x' });
      expect(error.message).toBe(`Input '${name}' means nothing with provider: comfydeploy, whose machines take no app secrets to hand a database URL to; remove it`);
    }
  });
});
