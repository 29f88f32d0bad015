// ncc's --minify minifies dist/index.js only; the chunks it splits off (each platform, the GitHub
// client, the PostgreSQL client) stay as webpack wrote them. This minifies them the same way ncc
// minifies the entry (terser, no compression, names kept, so stack traces still name functions),
// which keeps dist/ within its size budget. Deterministic: the same sources build the same bytes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const dist = join(import.meta.dirname, '..', 'dist');
for (const name of readdirSync(dist).filter((file) => /^\d+\.index\.js$/.test(file))) {
  const path = join(dist, name);
  const result = await minify(readFileSync(path, 'utf8'), { module: true, compress: false, mangle: { keep_classnames: true, keep_fnames: true } });
  if (result.code === undefined) throw new Error(`terser returned nothing for dist/${name}`);
  writeFileSync(path, result.code);
}
