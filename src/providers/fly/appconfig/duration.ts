// Go's time.Duration as fly.toml and the Machines API spell it. fly-go's Duration marshals with
// Go's Duration.String ("10s", "3m0s", "1.5s"), so a value from the file reaches the API in that
// canonical form, whatever form the file used ("3m", 180000 ms as an integer, ...).

const unitNs: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration ("1h2m3.5s", "-1.5m", "0"); undefined when Go would reject it. */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const match = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (match === null) return undefined;
    const [whole, intPart = '', fracPart] = match;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return undefined;
    const unit = unitNs[match[3] as string] as bigint;
    let value = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (fracPart !== undefined && fracPart !== '') {
      // Go truncates the fraction toward zero at nanosecond precision.
      value += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    }
    total += value;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/** Go's time.Duration.String. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Under a second: the largest of ns, µs, ms with a fraction.
    const [unit, scale] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n];
    out = fraction(u, scale) + unit;
  } else {
    const hours = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const minutes = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    out = `${fraction(u, 1_000_000_000n)}s`;
    if (hours > 0n) out = `${hours}h${minutes}m${out}`;
    else if (minutes > 0n) out = `${minutes}m${out}`;
  }
  return negative ? `-${out}` : out;
}

function fraction(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const rest = value % scale;
  if (rest === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
