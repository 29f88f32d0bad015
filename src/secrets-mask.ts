// The first thing a run does: every secret the inputs hold is masked before anything can print it.
import * as core from '@actions/core';
import { secretValuesToMask } from './common-inputs.js';
import { mask } from './masked.js';
import { tokenPieces } from './providers/fly/token.js';

const secretInputs = ['fly-api-token', 'koyeb-api-token', 'comfydeploy-api-token', 'github-token'] as const;

/**
 * Masks tokens, secret values and the database admin's URL before anything else can print them. A
 * Fly token may hold several macaroons ("FlyV1 fm2_…,fm2_…"); each piece, and the scheme-less whole
 * as it is sent, is masked too, since an error could quote one alone.
 */
export async function maskSecrets(): Promise<void> {
  for (const name of secretInputs) {
    const value = core.getInput(name).trim();
    if (value === '') continue;
    mask(value);
    const pieces = tokenPieces(value);
    for (const piece of [pieces.join(','), ...pieces]) if (piece !== value && piece.length >= 8) mask(piece);
  }
  // The runner masks line by line, so each line of a multi-line value is masked too.
  for (const value of secretValuesToMask(core.getInput('secrets'))) {
    for (const part of [value, ...value.split('\n')]) if (part.trim() !== '') mask(part);
  }
  await maskDatabaseUrl(core.getInput('database-url'));
}

/**
 * The whole URL as written and as a URL parser writes it, and the password encoded and decoded. The
 * room's reader of these forms is loaded only when the input is set, so a run without a database
 * loads nothing of it.
 */
async function maskDatabaseUrl(raw: string): Promise<void> {
  if (raw.trim() === '') return;
  const { databaseUrlSecrets } = await import('./database/url.js');
  for (const value of databaseUrlSecrets(raw)) mask(value);
}
