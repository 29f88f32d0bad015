// fly.toml → machine configs. The first block asserts flyctl's own expectations
// (superfly/flyctl internal/appconfig/machines_test.go) for its own test files
// (test/fixtures/fly-toml/flyctl); the second, real fly.toml files `fly launch` wrote
// (test/fixtures/fly-toml/apps/SOURCES.md); then the parts around them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AppConfigError,
  parseAppConfig,
  planPreview,
  processNames,
  shlexSplit,
  toMachineConfig,
  toReleaseMachineConfig,
  type AppConfig,
  type PlanOverrides,
} from '../../src/providers/fly/appconfig/index.js';
import { formatGoDuration, parseGoDuration } from '../../src/providers/fly/appconfig/duration.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/fly-toml/${name}`, import.meta.url), 'utf8');
const load = (name: string): AppConfig => parseAppConfig(fixture(name), name);
const flyctl = (name: string): AppConfig => load(`flyctl/${name}.toml`);
const meta = (group: string) => ({ fly_platform_version: 'v2', fly_process_group: group });
const defaults: PlanOverrides = { autostop: 'stop' };

describe("flyctl's expectations (machines_test.go)", () => {
  it('TestToMachineConfig: env, services, metadata, metrics, statics, mounts, checks, stop config, swap, restart, machine_config', () => {
    expect(toMachineConfig(flyctl('tomachine'), 'app')).toEqual({
      env: { FOO: 'BAR', PRIMARY_REGION: 'mia', FLY_PROCESS_GROUP: 'app' },
      services: [
        {
          protocol: 'tcp',
          internal_port: 8080,
          ports: [
            { port: 80, handlers: ['http'], force_https: true },
            { port: 443, handlers: ['http', 'tls'] },
          ],
        },
      ],
      metadata: meta('app'),
      metrics: { port: 9999, path: '/metrics' },
      statics: [{ guest_path: '/guest/path', url_prefix: '/url/prefix', tigris_bucket: 'example-bucket', index_document: 'index.html' }],
      mounts: [{ name: 'data', path: '/data' }],
      checks: {
        listening: { port: 8080, type: 'tcp' },
        status: { port: 8080, type: 'http', interval: '10s', timeout: '1s', path: '/status' },
      },
      stop_config: { timeout: '10s', signal: 'SIGTERM' },
      init: { swap_size_mb: 512 },
      restart: { policy: 'always' },
      dns: { nameservers: ['1.2.3.4'] },
    });
  });

  it('TestToMachineConfig_Experimental: cmd, entrypoint and exec; a [processes] command wins over experimental cmd', () => {
    const c = flyctl('tomachine-experimental');
    expect(toMachineConfig(c, 'app').init).toEqual({ cmd: ['/call', 'me'], entrypoint: ['/IgoFirst'], exec: ['ignore', 'others'] });
    c.processes = { app: '/override experimental' };
    expect(toMachineConfig(c, 'app').init).toEqual({ cmd: ['/override', 'experimental'], entrypoint: ['/IgoFirst'], exec: ['ignore', 'others'] });
  });

  it('TestToReleaseMachineConfig: command, env, auto-destroy, no restarts, no DNS registration, stop config, release_command_vm', () => {
    expect(toReleaseMachineConfig(flyctl('tomachine'))).toEqual({
      init: { cmd: ['migrate-db'], swap_size_mb: 512 },
      env: { FOO: 'BAR', PRIMARY_REGION: 'mia', RELEASE_COMMAND: '1', FLY_PROCESS_GROUP: 'fly_app_release_command' },
      metadata: meta('fly_app_release_command'),
      auto_destroy: true,
      restart: { policy: 'no' },
      dns: { skip_registration: true },
      stop_config: { timeout: '10s', signal: 'SIGTERM' },
      guest: { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 },
    });
  });

  it('TestToMachineConfig_multiProcessGroups: each group gets its command, services and checks', () => {
    const c = flyctl('tomachine-processgroups');
    expect(processNames(c)).toEqual(['app', 'foo', 'vpn']);
    const app = toMachineConfig(c, 'app');
    expect(app.metadata?.['fly_process_group']).toBe('app');
    expect(app.init).toEqual({ cmd: ['run-nginx'] });
    expect(app.services).toEqual([
      { protocol: 'tcp', internal_port: 8080, ports: [{ port: 80, handlers: ['http'] }, { port: 443, handlers: ['http', 'tls'] }] },
      { protocol: 'tcp', internal_port: 1111 },
    ]);
    expect(app.checks).toEqual({ listening: { port: 8080, type: 'tcp' } });

    const vpn = toMachineConfig(c, 'vpn');
    expect(vpn.init).toEqual({ cmd: ['run-tailscale'] });
    expect(vpn.services).toEqual([
      { protocol: 'udp', internal_port: 9999 },
      { protocol: 'tcp', internal_port: 1111 },
    ]);
    expect(vpn.checks).toBeUndefined();

    const foo = toMachineConfig(c, 'foo');
    expect(foo.init).toEqual({ cmd: ['keep', 'me', 'alive'] });
    expect(foo.services).toEqual([{ protocol: 'tcp', internal_port: 1111 }]);
    expect(foo.checks).toEqual({ listening: { port: 8080, type: 'tcp' } });
  });

  it('TestToMachineConfig_defaultV2flytoml: a check without a port takes the http_service port; without one it fails', () => {
    const c = flyctl('tomachine-default-for-new-apps');
    expect(toMachineConfig(c, 'app')).toEqual({
      env: { PRIMARY_REGION: 'ord', FLY_PROCESS_GROUP: 'app' },
      init: {},
      services: [
        {
          protocol: 'tcp',
          internal_port: 8080,
          ports: [
            { port: 80, handlers: ['http'], force_https: true },
            { port: 443, handlers: ['http', 'tls'] },
          ],
        },
      ],
      metadata: meta('app'),
      checks: { alive: { port: 8080, type: 'tcp', interval: '15s', timeout: '2s', grace_period: '5s' } },
    });
    delete c.httpService;
    expect(() => toMachineConfig(c, 'app')).toThrow(/has no port set/);
  });

  it('TestToReleaseMachineConfig_processGroupsAndMounts: mounts go to their groups only', () => {
    const c = flyctl('tomachine-mounts');
    expect(toMachineConfig(c, 'app').mounts).toEqual([{ name: 'data', path: '/data' }]);
    expect(toMachineConfig(c, 'back').mounts).toEqual([{ name: 'trash', path: '/trash' }]);
    expect(toMachineConfig(c, 'hola').mounts).toBeUndefined();
  });

  it('TestToMachineConfig_services: autostop/autostart as set, and absent where unset (stop/off go out as true/false)', () => {
    expect(toMachineConfig(flyctl('tomachine-services'), 'app').services).toEqual([
      {
        protocol: 'tcp',
        internal_port: 8080,
        autostart: true,
        autostop: true,
        ports: [
          { port: 80, handlers: ['http'], force_https: true },
          { port: 443, handlers: ['http', 'tls'] },
        ],
      },
      { protocol: 'tcp', internal_port: 1000, autostart: true, autostop: true },
      { protocol: 'tcp', internal_port: 1001, autostart: false, autostop: false },
      { protocol: 'tcp', internal_port: 1002, autostart: false },
      { protocol: 'tcp', internal_port: 1003, autostop: true },
      { protocol: 'tcp', internal_port: 1004 },
    ]);
  });

  it('TestToMachineConfig_compute: [[vm]] and [[compute]] per group, presets, memory strings, GPU, host dedication', () => {
    const c = flyctl('tomachine-compute');
    expect(toMachineConfig(c, 'app').guest).toEqual({ cpu_kind: 'shared', cpus: 2, memory_mb: 512 });
    expect(toMachineConfig(c, 'worker').guest).toEqual({ cpu_kind: 'shared', cpus: 2, memory_mb: 512 });
    expect(toMachineConfig(c, 'whisper').guest).toEqual({ cpu_kind: 'performance', cpus: 8, memory_mb: 65536, gpu_kind: 'a100-pcie-40gb' });
    expect(toMachineConfig(c, 'isolated').guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 256, host_dedication_id: 'lookma-iamsolo' });
  });

  it('TestToMachineConfig_compute_none: no guest for a group no [[vm]] names', () => {
    const c = flyctl('tomachine-compute-nodefault');
    expect(toMachineConfig(c, 'app').guest).toBeUndefined();
    expect(toMachineConfig(c, 'woo').guest).toBeUndefined();
    expect(toMachineConfig(c, 'bar').guest).toEqual({ cpu_kind: 'performance', cpus: 4, memory_mb: 8192 });
  });

  it('TestToMachineConfig_hostdedicationid: the group section wins over the top-level id', () => {
    const c = flyctl('tomachine-hostdedicationid');
    expect(toMachineConfig(c, 'front').guest).toBeUndefined();
    expect(toMachineConfig(c, 'back').guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 256, host_dedication_id: 'specific' });
    expect(toMachineConfig(c, 'other').guest).toEqual({ cpu_kind: 'shared', cpus: 4, memory_mb: 1024, host_dedication_id: 'toplevel' });
  });
});

describe('fly.toml files fly launch wrote for real apps', () => {
  it('Rails: release command, an http_service check with headers, a preset [[vm]], statics; console_command warned', () => {
    const c = load('apps/rails.toml');
    const plan = planPreview(c, defaults);
    expect(plan.region).toBe('nrt');
    expect(plan.groups.map((g) => g.name)).toEqual(['app']);
    expect(plan.groups[0]?.config).toEqual({
      init: {},
      env: { FLY_PROCESS_GROUP: 'app', PRIMARY_REGION: 'nrt' },
      metadata: meta('app'),
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
      services: [
        {
          protocol: 'tcp',
          internal_port: 3000,
          autostop: true,
          autostart: true,
          min_machines_running: 0,
          ports: [
            { port: 80, handlers: ['http'], force_https: true },
            { port: 443, handlers: ['http', 'tls'] },
          ],
          checks: [
            {
              type: 'http',
              interval: '10s',
              timeout: '2s',
              grace_period: '5s',
              method: 'GET',
              path: '/up',
              protocol: 'http',
              tls_skip_verify: false,
              headers: [{ name: 'X-Forwarded-Proto', values: ['https'] }],
            },
          ],
        },
      ],
      statics: [{ guest_path: '/rails/public', url_prefix: '/', tigris_bucket: '', index_document: '' }],
    });
    expect(plan.groups[0]?.checkCount).toBe(1);
    expect(plan.release?.commandLine).toBe('./bin/rails db:prepare');
    expect(plan.release?.config.init).toEqual({ cmd: ['./bin/rails', 'db:prepare'] });
    expect(plan.release?.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 256 });
    expect(plan.release?.timeoutMs).toBe(300_000);
    expect(plan.warnings).toEqual([expect.stringContaining('console_command')]);
  });

  it('Rails with Sidekiq: two groups, the service only on app, integer kill_timeout in seconds, old check keys ignored', () => {
    const plan = planPreview(load('apps/rails-sidekiq.toml'), defaults);
    const [app, sidekiq] = plan.groups;
    expect(plan.region).toBe('iad');
    expect(app?.config.init).toEqual({ cmd: ['bin/rails', 'fly:server'] });
    expect(sidekiq?.config.init).toEqual({ cmd: ['bin/rails', 'fly:sidekiq'] });
    expect(app?.config.stop_config).toEqual({ timeout: '5s', signal: 'SIGINT' });
    expect(app?.config.services).toEqual([
      {
        protocol: 'tcp',
        internal_port: 8080,
        concurrency: { type: 'connections', hard_limit: 25, soft_limit: 20 },
        ports: [
          { port: 80, handlers: ['http'], force_https: true },
          { port: 443, handlers: ['tls', 'http'] },
        ],
        checks: [{ type: 'tcp', interval: '15s', timeout: '2s', grace_period: '1s' }],
        autostop: true,
        autostart: true,
        min_machines_running: 0,
      },
    ]);
    expect(sidekiq?.config.services).toBeUndefined();
    expect(sidekiq?.checkCount).toBe(0);
    expect(sidekiq?.config.env).toEqual({ PORT: '8080', FLY_PROCESS_GROUP: 'sidekiq', PRIMARY_REGION: 'iad' });
    expect(plan.warnings).toEqual([
      expect.stringContaining('[experimental] allowed_public_ports'),
      expect.stringContaining('[experimental] auto_rollback'),
    ]);
  });

  it('Django: a volume per [[mounts]] with the default size, 1gb memory, and [deploy] strategy warned', () => {
    const plan = planPreview(load('apps/django.toml'), defaults);
    const [app] = plan.groups;
    expect(app?.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 1024 });
    expect(app?.config.mounts).toEqual([{ name: 'sqlite3', path: '/code/data' }]);
    expect(app?.volumes).toEqual([{ name: 'sqlite3', destination: '/code/data', sizeGb: 1 }]);
    // The file says how idle machines behave, so the autostop input does not change it.
    expect(app?.config.services?.[0]).toMatchObject({ autostop: true, autostart: true, min_machines_running: 1 });
    expect(plan.release?.config.init?.cmd).toEqual(['python', 'manage.py', 'migrate']);
    expect(plan.warnings).toEqual([
      expect.stringContaining('console_command'),
      expect.stringContaining('[deploy] strategy'),
      expect.stringContaining('[deploy] startup_timeout'),
    ]);
  });

  it('Phoenix: [[services]] with a tcp check and concurrency, /app/bin/migrate, 512mb', () => {
    const plan = planPreview(load('apps/phoenix.toml'), { autostop: 'suspend' });
    const [app] = plan.groups;
    expect(app?.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 512 });
    expect(app?.config.env).toEqual({ PHX_HOST: 'notesclub-production.fly.dev', PORT: '8080', FLY_PROCESS_GROUP: 'app', PRIMARY_REGION: 'fra' });
    // Silent on idling: the action's autostop input applies, suspend going out as a string.
    expect(app?.config.services?.[0]).toMatchObject({ autostop: 'suspend', autostart: true, min_machines_running: 0 });
    expect(plan.release?.config).toMatchObject({
      init: { cmd: ['/app/bin/migrate'] },
      env: { RELEASE_COMMAND: '1', FLY_PROCESS_GROUP: 'fly_app_release_command', PRIMARY_REGION: 'fra' },
      stop_config: { timeout: '5s', signal: 'SIGTERM' },
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
    });
  });

  it('Node: a top-level http check with its own port, memory_mb', () => {
    const plan = planPreview(load('apps/node.toml'), defaults);
    const [app] = plan.groups;
    expect(app?.config.checks).toEqual({
      health: { type: 'http', port: 3000, grace_period: '10s', interval: '30s', timeout: '5s', method: 'GET', path: '/' },
    });
    expect(app?.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 512 });
    expect(app?.checkCount).toBe(1);
    expect(plan.release).toBeUndefined();
    expect(plan.warnings).toEqual([]);
  });

  it("Laravel: app = \"\" keeps the image's command, ssr runs its own; only app gets the http_service", () => {
    const plan = planPreview(load('apps/laravel.toml'), defaults);
    const [app, ssr] = plan.groups;
    expect(app?.config.init).toEqual({});
    expect(ssr?.config.init).toEqual({ cmd: ['php', '/var/www/html/artisan', 'inertia:start-ssr'] });
    expect(app?.config.env?.['LOG_STDERR_FORMATTER']).toBe('Monolog\\Formatter\\JsonFormatter');
    expect(app?.config.services?.[0]?.internal_port).toBe(8080);
    expect(ssr?.config.services).toBeUndefined();
  });
});

describe('inputs over the file', () => {
  it('region, internal-port, size, cpu-kind, cpus and memory override the file; PRIMARY_REGION follows the region', () => {
    const plan = planPreview(load('apps/rails.toml'), { autostop: 'stop', region: 'lhr', internalPort: 4000, size: 'performance-2x', memoryMb: 8192 });
    const [app] = plan.groups;
    expect(plan.region).toBe('lhr');
    expect(app?.config.env?.['PRIMARY_REGION']).toBe('lhr');
    expect(app?.config.services?.[0]?.internal_port).toBe(4000);
    expect(app?.config.guest).toEqual({ cpu_kind: 'performance', cpus: 2, memory_mb: 8192 });
  });

  it('internal-port moves the HTTP [[services]] when the file has no [http_service]', () => {
    const plan = planPreview(load('apps/phoenix.toml'), { autostop: 'stop', internalPort: 4000 });
    expect(plan.groups[0]?.config.services?.[0]?.internal_port).toBe(4000);
    expect(plan.warnings).toEqual([expect.stringContaining('[experimental] auto_rollback')]);
  });

  it('a group with two mounts is refused, as flyctl refuses it', () => {
    const c = parseAppConfig('[[mounts]]\nsource = "a"\ndestination = "/a"\n[[mounts]]\nsource = "b"\ndestination = "/b"\n');
    expect(() => planPreview(c, defaults)).toThrow('process group "app" has more than one [[mounts]] section; a machine mounts one volume');
  });

  it('the top-level host_dedication_id goes on every machine flyctl would launch, release command included', () => {
    const plan = planPreview({ ...flyctl('tomachine-hostdedicationid'), deploy: { releaseCommand: 'migrate' } }, defaults);
    expect(plan.groups.map((g) => g.config.guest?.host_dedication_id)).toEqual(['toplevel', 'toplevel', 'toplevel']);
    expect(plan.release?.config.guest?.host_dedication_id).toBe('toplevel');
  });

  it('refuses a combination Fly would refuse, naming the group', () => {
    expect(() => planPreview(load('apps/rails.toml'), { autostop: 'stop', cpuKind: 'performance' })).toThrow(
      /process group "app".*1 performance CPU take a multiple of 1024 MB from 2048 to 8192, not 256 MB/,
    );
  });

  it('without a fly.toml: one app group on iad, port 8080, shared-cpu-1x 256 MB, scaled to zero', () => {
    const plan = planPreview(undefined, { autostop: 'off' });
    expect(plan).toMatchObject({ region: 'iad', release: undefined, warnings: [] });
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]?.config).toMatchObject({
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
      env: { FLY_PROCESS_GROUP: 'app', PRIMARY_REGION: 'iad' },
      services: [{ internal_port: 8080, autostop: false, autostart: true, min_machines_running: 0 }],
    });
  });

  it('a file with only a worker says that the preview URL will not answer', () => {
    const plan = planPreview(parseAppConfig('[processes]\nworker = "bin/work"\n'), defaults);
    expect(plan.groups.map((g) => g.name)).toEqual(['worker']);
    expect(plan.warnings).toEqual([expect.stringContaining('no [http_service] or [[services]]')]);
  });
});

describe('reading fly.toml', () => {
  it('names the line and column of a TOML error', () => {
    const error = (() => {
      try {
        parseAppConfig('app = "x"\n[http_service\ninternal_port = 8080\n', 'deploy/fly.toml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppConfigError);
    expect((error as AppConfigError).line).toBe(2);
    expect((error as Error).message).toMatch(/^deploy\/fly\.toml line 2, column \d+: /);
  });

  it('names the section and key of a wrong value', () => {
    expect(() => parseAppConfig('[http_service]\ninternal_port = "eighty"\n')).toThrow('fly.toml: [http_service] internal_port must be a whole number; got "eighty"');
    expect(() => parseAppConfig('[checks.x]\ntype = "grpc"\n')).toThrow(/\[checks\.x\] type must be "http" or "tcp"/);
    expect(() => planPreview(parseAppConfig('[[vm]]\nsize = "shared-cpu-3x"\n'), defaults)).toThrow(/not a Fly machine size; choose one of shared-cpu-1x/);
  });

  it('warns once per unsupported section and ignores app and [build] quietly', () => {
    const c = parseAppConfig('app = "mine"\n[build]\nimage = "x"\n[postgres]\nx = 1\n[[http_service.machine_checks]]\nimage = "curl"\n');
    expect(c.warnings).toEqual([
      expect.stringMatching(/^fly\.toml \[postgres\] is not applied to the preview/),
      expect.stringMatching(/machine_checks/),
    ]);
  });

  it('[[services.ports]] keeps only the fields fly-go knows', () => {
    const c = parseAppConfig('[[services]]\ninternal_port = 53\nprotocol = "udp"\n[[services.ports]]\nport = "53"\nhandlers = []\nlegacy = 1\n[[services.ports]]\nstart_port = 1000\nend_port = 1010\n[services.ports.proxy_proto_options]\nversion = "v2"\n');
    expect(toMachineConfig(c, 'app').services?.[0]?.ports).toEqual([
      { port: 53, handlers: [] },
      { start_port: 1000, end_port: 1010, proxy_proto_options: { version: 'v2' } },
    ]);
  });

  it('reads the old forms flyctl still reads: [mounts] table, [[processes]], integer durations, "soft,hard" concurrency, [[checks]]', () => {
    const c = parseAppConfig(
      [
        '[[processes]]\nname = "web"\ncommand = "serve --port 80"',
        '[[services]]\ninternal_port = "80"\nconcurrency = "20,25"\nprocesses = ["web"]',
        '[[services.http_checks]]\ninterval = 15000\ngrace_period = "1m"',
        '[experimental]\nmetrics_port = 9091\nmetrics_path = "/m"',
        '[mounts]\nsource = "d"\ndestination = "/d"\ninitial_size = "10gb"',
      ].join('\n'),
    );
    const web = toMachineConfig(c, 'web');
    expect(web.init).toEqual({ cmd: ['serve', '--port', '80'] });
    expect(web.services).toEqual([
      { internal_port: 80, concurrency: { type: 'requests', hard_limit: 25, soft_limit: 20 }, checks: [{ type: 'http', interval: '15s', grace_period: '1m0s' }] },
    ]);
    expect(web.metrics).toEqual({ port: 9091, path: '/m' });
    expect(planPreview(c, defaults).groups[0]?.volumes).toEqual([{ name: 'd', destination: '/d', sizeGb: 10 }]);
    // Without initial_size: flyctl's 1 GB, or 100 GB beside a GPU.
    const gpu = parseAppConfig('[mounts]\nsource = "models"\ndestination = "/models"\n[[vm]]\nsize = "a10"\n');
    expect(planPreview(gpu, defaults).groups[0]?.volumes).toEqual([{ name: 'models', destination: '/models', sizeGb: 100 }]);
  });

  it('[[files]]: raw values base64, local files read beside the fly.toml, every group gets them as flyctl does', () => {
    const read = (name: string): Buffer => {
      if (name === 'conf/nginx.conf') return Buffer.from('worker_processes 1;');
      throw new Error('ENOENT');
    };
    const c = parseAppConfig(
      '[processes]\na = ""\nb = ""\n[[files]]\nguest_path = "/etc/x"\nraw_value = "hi"\nprocesses = ["a"]\n[[files]]\nguest_path = "/etc/nginx.conf"\nlocal_path = "conf/nginx.conf"\n[[files]]\nguest_path = "/s"\nsecret_name = "S"\n',
      'fly.toml',
      { readFile: read },
    );
    const files = [
      { guest_path: '/etc/x', raw_value: Buffer.from('hi').toString('base64') },
      { guest_path: '/etc/nginx.conf', raw_value: Buffer.from('worker_processes 1;').toString('base64') },
      { guest_path: '/s', secret_name: 'S' },
    ];
    expect(toMachineConfig(c, 'a').files).toEqual(files);
    expect(toMachineConfig(c, 'b').files).toEqual(files);
    expect(() => parseAppConfig('[[files]]\nguest_path = "/x"\nlocal_path = "missing"\n', 'fly.toml', { readFile: read })).toThrow(
      /\[\[files\]\] #1 local_path names "missing", which cannot be read/,
    );
  });

  it('[[restart]] and [[metrics]] per group; the last matching restart wins', () => {
    const c = parseAppConfig(
      '[processes]\nweb = ""\njob = ""\n[[restart]]\npolicy = "never"\n[[restart]]\npolicy = "on-failure"\nretries = 3\nprocesses = ["job"]\n[[metrics]]\nport = 9000\npath = "/m"\nprocesses = ["web"]\n',
    );
    // A section without processes belongs to the default group: "app", else the first name in
    // order, here "job". Both restarts match job; the later one wins.
    expect(toMachineConfig(c, 'job').restart).toEqual({ policy: 'on-failure', max_retries: 3 });
    expect(toMachineConfig(c, 'job').metrics).toBeUndefined();
    expect(toMachineConfig(c, 'web').restart).toBeUndefined();
    expect(toMachineConfig(c, 'web').metrics).toEqual({ port: 9000, path: '/m' });
    expect(toMachineConfig(parseAppConfig('[[restart]]\npolicy = "never"\n'), 'app').restart).toEqual({ policy: 'no' });
  });
});

describe('command splitting (google/shlex, as flyctl splits [processes] and release_command)', () => {
  it.each([
    ['bin/rails server -b 0.0.0.0', ['bin/rails', 'server', '-b', '0.0.0.0']],
    ["sh -c 'python manage.py collectstatic --noinput && python manage.py migrate'", ['sh', '-c', 'python manage.py collectstatic --noinput && python manage.py migrate']],
    ['echo "a \\"quoted\\" word" \'\' end', ['echo', 'a "quoted" word', '', 'end']],
    ['say "back\\slash"', ['say', 'backslash']],
    ['one\\ word two', ['one word', 'two']],
    ['run # a comment\nnext', ['run', 'next']],
    ['a#b $HOME *', ['a#b', '$HOME', '*']],
  ])('%j', (line, words) => {
    expect(shlexSplit(line)).toEqual(words);
  });

  it('rejects an unclosed quote the way flyctl does, naming the group', () => {
    expect(() => toMachineConfig(parseAppConfig('[processes]\nweb = "echo \'oops"\n'), 'web')).toThrow(
      'could not parse the command for the web process group: EOF found when expecting closing quote',
    );
  });
});

describe('Go durations', () => {
  it.each([
    ['10s', '10s'],
    ['3m', '3m0s'],
    ['1h30m', '1h30m0s'],
    ['1.5s', '1.5s'],
    ['500ms', '500ms'],
    ['90s', '1m30s'],
    ['0', '0s'],
  ])('%s is sent as %s', (text, wire) => {
    expect(formatGoDuration(parseGoDuration(text) as bigint)).toBe(wire);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['10', '1x', '', 's', '1.s5']) expect(parseGoDuration(bad)).toBeUndefined();
  });
});

it('a key or group name with a line break cannot start a workflow command in a warning or an error', () => {
  const c = parseAppConfig('["x\\n::error::owned"]\na = 1\n[processes]\n"web\\n::warning::x" = "echo \'"\n');
  expect(c.warnings[0]).toContain('["x\\n::error::owned"]');
  expect(c.warnings[0]).not.toMatch(/\n/);
  expect(() => planPreview(c, defaults)).toThrow(/the "web\\n::warning::x" process group/);
});
