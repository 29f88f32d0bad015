// Any fly.toml, however odd its values: reading and planning it either works or fails with an
// AppConfigError that names what is wrong, never with a crash (a TypeError would surface as an
// unexplained failure of the step).
import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { expect, it } from 'vitest';
import { AppConfigError, parseAppConfig, planPreview } from '../../src/providers/fly/appconfig/index.js';

const sections = [
  'primary_region', 'kill_signal', 'kill_timeout', 'swap_size_mb', 'host_dedication_id', 'env', 'processes', 'experimental',
  'machine_config', 'deploy', 'http_service', 'services', 'checks', 'mounts', 'files', 'restart', 'vm', 'compute', 'statics', 'metrics',
];
const keys = [
  'internal_port', 'processes', 'ports', 'port', 'handlers', 'type', 'interval', 'timeout', 'path', 'method', 'headers', 'source',
  'destination', 'initial_size', 'size', 'memory', 'cpus', 'cpu_kind', 'gpu_kind', 'policy', 'retries', 'cmd', 'entrypoint',
  'release_command', 'release_command_timeout', 'release_command_vm', 'auto_stop_machines', 'concurrency', 'http_checks', 'tcp_checks',
  'checks', 'guest_path', 'url_prefix', 'raw_value', 'app', 'web', 'worker',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('app', 'web', 'stop', 'suspend', 'http', 'tcp', '10s', '1gb', 'shared-cpu-2x', 'performance', "echo 'x", '80', ''),
  fc.integer({ min: -5, max: 70_000 }),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 4 })),
})).v;
const document = fc.dictionary(fc.constantFrom(...sections), value, { maxKeys: 6 });

it('never crashes on any fly.toml: a plan or an AppConfigError', () => {
  fc.assert(
    fc.property(document, (doc) => {
      let text: string;
      try {
        text = stringify(doc);
      } catch {
        return; // Not representable as TOML (e.g. mixed arrays in old encoders).
      }
      try {
        planPreview(parseAppConfig(text), { autostop: 'stop' });
      } catch (error) {
        if (!(error instanceof AppConfigError)) throw error;
        expect(error.message).not.toMatch(/[\r\n]/);
      }
    }),
    { numRuns: 1500 },
  );
});
