// How fly-go turns what a user pasted into an Authorization header (superfly/fly-go tokens/tokens.go:
// Parse, StripAuthorizationScheme, FlapsHeader). `fly tokens create` prints `FlyV1 fm2_…,fm2_…`;
// users paste it with or without the scheme, and older tokens are plain OAuth/personal tokens.

/** Removes any leading `Bearer`/`FlyV1` schemes (case-insensitive, repeated), as fly-go does. */
function stripScheme(token: string): string {
  let rest = token.trim();
  for (;;) {
    const space = rest.indexOf(' ');
    if (space === -1) return rest;
    const scheme = rest.slice(0, space).trim().toLowerCase();
    if (scheme !== 'bearer' && scheme !== 'flyv1') return rest;
    rest = rest.slice(space + 1).trim();
  }
}

/** Macaroons are told apart by the text before the first `_`: fm1r, fm1a or fm2. */
const isMacaroon = (piece: string): boolean => ['fm1r', 'fm1a', 'fm2'].includes(piece.split('_', 1)[0] ?? '');

/** The comma-separated pieces of a token, scheme removed: each is a secret on its own. */
export function tokenPieces(token: string): string[] {
  return stripScheme(token)
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '');
}

/**
 * The Authorization header fly-go's Machines API client sends: `FlyV1 <macaroons>` when there is
 * any macaroon (other pieces are left out, as fly-go leaves them out), else `Bearer <tokens>`.
 */
export function authorizationHeader(token: string): string {
  const pieces = tokenPieces(token);
  const macaroons = pieces.filter(isMacaroon);
  return macaroons.length > 0 ? `FlyV1 ${macaroons.join(',')}` : `Bearer ${pieces.join(',')}`;
}
