// Arbitrary strings thrown at every input: the parser accepts a value that round-trips, or fails
// with an InputError naming that input; it never throws anything else and never reaches the network.
import fc from 'fast-check';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, parseEnv, parseSecrets, secretValuesToMask } from '../../src/common-inputs.js';
import { readSettings, type Settings } from '../../src/inputs.js';

beforeAll(() => nock.disableNetConnect());

/** Strings that look like what people (and attackers) type: unicode, control characters, commands. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('::set-output name=x::y', '\n::error::boom', '%0A::warning::', '1e309', '-0', '00', ' 8080 ', 'NaN', '0x1F'),
  fc.integer({ min: -1e6, max: 1e12 }).map(String),
  fc.stringMatching(/^[a-z0-9][a-z0-9._/:@-]{0,60}$/),
);

type Check = (settings: Settings, raw: string) => void;

const sameText: (pick: (s: Settings) => unknown) => Check = (pick) => (settings, raw) => expect(pick(settings)).toBe(raw.trim());
const sameNumber: (pick: (s: Settings) => number) => Check = (pick) => (settings, raw) => expect(String(pick(settings))).toBe(raw.trim());
const sameBoolean: (pick: (s: Settings) => boolean) => Check = (pick) => (settings, raw) =>
  expect(pick(settings)).toBe(raw.trim().toLowerCase() === 'true');

/** What each input must round-trip to when accepted ('' means "use the default" and is skipped). */
const roundTrips: Record<string, { check: Check; alsoNamed?: string[] }> = {
  mode: { check: sameText((s) => s.mode) },
  image: { check: sameText((s) => s.image) },
  'app-name': { check: sameText((s) => s.appName) },
  org: { check: sameText((s) => s.org) },
  region: { check: sameText((s) => s.region) },
  'internal-port': { check: sameNumber((s) => s.internalPort) },
  'cpu-kind': { check: sameText((s) => s.guest.cpuKind), alsoNamed: ['memory'] },
  cpus: { check: sameNumber((s) => s.guest.cpus), alsoNamed: ['memory'] },
  memory: { check: sameNumber((s) => s.guest.memoryMb) },
  size: { check: sameText((s) => s.overrides.size) },
  autostop: { check: sameText((s) => s.overrides.autostop) },
  config: { check: (s) => expect(s.appConfig).toBeDefined() },
  'wait-timeout': { check: sameNumber((s) => s.waitTimeoutSeconds) },
  'smoke-window': { check: sameNumber((s) => s.smokeWindowSeconds) },
  comment: { check: sameBoolean((s) => s.comment) },
  'deployment-environment': { check: sameText((s) => s.deploymentEnvironment) },
  'allow-forks': { check: sameBoolean((s) => s.allowForks) },
  'fly-api-url': {
    check: (settings) => expect(readSettings((n) => (n === 'fly-api-url' ? settings.apiUrl : '')).apiUrl).toBe(settings.apiUrl),
  },
  env: {
    check: (settings) => {
      const serialised = Object.entries(settings.env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      expect(parseEnv(serialised)).toEqual(settings.env);
    },
  },
};

describe.each(Object.entries(roundTrips))('input %s', (input, { check, alsoNamed = [] }) => {
  it('accepts only values that round-trip, and names itself when it refuses', () => {
    fc.assert(
      fc.property(hostile, (raw) => {
        let settings: Settings;
        try {
          settings = readSettings((name) => (name === input ? raw : ''));
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect([input, ...alsoNamed]).toContain((error as InputError).input);
          // Whatever was typed, the message stays one line: it cannot start a workflow command.
          expect((error as InputError).message).not.toMatch(/[\r\n]/);
          return;
        }
        if (raw.trim() !== '') check(settings, raw);
      }),
      { numRuns: 300 },
    );
  });
});

it('env: any map of valid keys to single-line values survives a trip through the input', () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
  const value = fc.string({ maxLength: 40 }).filter((v) => !/[\u0000-\u001f\u007f]/.test(v));
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (env) => {
      const raw = Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      expect(readSettings((name) => (name === 'env' ? raw : '')).env).toEqual({ ...env });
    }),
  );
});

it('secrets: any map of keys to values (multi-line, PEM-like, with "=" and spaces) survives a trip through the input, and every value is masked', () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
  const value = fc.oneof(
    fc.string({ maxLength: 40 }).filter((v) => !/[\r\n]/.test(v)),
    fc.array(fc.string({ maxLength: 30 }).filter((l) => !/[\r\n]/.test(l) && l !== 'EOF'), { minLength: 2, maxLength: 5 }).map((lines) => lines.join('\n')),
  );
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (secrets) => {
      const raw = Object.entries(secrets)
        .map(([k, v]) => (v.includes('\n') || v.trim() === '' || v.trimStart().startsWith('#') || v.includes('<<') ? `${k}<<EOF\n${v}\nEOF` : `${k}=${v}`))
        .join('\n');
      expect(parseSecrets(raw)).toEqual({ ...secrets });
      const masked = secretValuesToMask(raw);
      for (const v of Object.values(secrets)) if (v !== '') expect(masked).toContain(v);
    }),
  );
});
