/**
 * JSON with sorted keys, so what the platform echoes compares by content whatever order it puts the
 * keys in (Fly's machine configs and the secrets digest, Koyeb's service definitions, ComfyDeploy's
 * docker_command_steps).
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
