// The database room's contract: what a run hands it and what it answers. Nothing here knows of
// GitHub or of any platform: a preview is a repository and a PR number, and what the app gets is a
// connection URL the run passes on as a secret.

/** Whose preview a database is: `owner/repo` as GitHub writes it, and the PR number. */
export interface PreviewRef {
  repository: string;
  pr: number;
}

/** Where the runner reaches the server, from `database-url` (see parseDatabaseUrl). */
export interface DatabaseServer {
  /** `postgres:` or `postgresql:`, as the user wrote it; the app's URL keeps it. */
  protocol: 'postgres:' | 'postgresql:';
  /** The host as the client dials it: a name, an IPv4 address, or an IPv6 address without brackets. */
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database the admin connects to; libpq's default, the user's name, when the URL has none. */
  database: string;
  /** The URL's query (`?sslmode=require&…`), kept for the admin's connection and for the app's URL. */
  search: string;
  /** The URL as written, for the client's own parser of TLS and other options. */
  href: string;
  /** `host:port` as messages name the server (IPv6 in brackets). */
  where: string;
}

/** An address the app uses for the same server, from `database-app-host`. */
export interface AppHost {
  /** As a URL writes it: a name, an IPv4 address, or an IPv6 address in brackets. */
  host: string;
  /** undefined: the admin URL's port. */
  port: number | undefined;
}

/** The room's validated inputs; readDatabaseSettings builds them before any connection. */
export interface DatabaseSettings {
  server: DatabaseServer;
  /** The database each preview's is copied from; undefined: an empty database (a copy of template0). */
  template: string | undefined;
  appHost: AppHost | undefined;
  /** The variable the app reads its URL from (`database-env`). */
  env: string;
  /** Every form of the admin's credentials a log must never show: mask each before anything prints. */
  secrets: string[];
}

/** A preview's database as the app will reach it; known before any connection (see previewDatabaseFor). */
export interface PreviewTarget {
  /** The database's name; its role has the same name. */
  name: string;
  role: string;
  /** The app's connection URL: a secret. */
  url: string;
  /** The role's password and the URL in every form a log could show: mask each. */
  secrets: string[];
}

/** What ensure() made or found. */
export interface PreparedDatabase extends PreviewTarget {
  /** The template of the settings (database-template); undefined: none. Never read back from the server. */
  template: string | undefined;
  /** false: it already existed (a push or re-run), and its data was kept. */
  created: boolean;
  /** true: a previous run had left it half-made, and this run finished it. */
  repaired: boolean;
}

/** What drop() did to each part: a part that is not ours is never touched. */
export type DropPart = 'dropped' | 'absent' | 'not-ours';

export interface DropOutcome {
  name: string;
  database: DropPart;
  role: DropPart;
}

/** A preview of this repository found on the server by its markers. */
export interface InventoryEntry {
  pr: number;
  name: string;
  /** Which parts exist: the role is the marker, so it always does; a run that died half-way can leave it without a database. */
  database: boolean;
  role: boolean;
  /** false: a run died before it finished the database, so no app was given it. */
  complete: boolean;
  /** What it was copied from, from the role's marker; undefined: it began empty. */
  template: string | undefined;
  /** When the database was finished (ISO 8601), from the role's marker; undefined while it is not. */
  createdAt: string | undefined;
}

/** What preflight found on the server. */
export interface ServerFacts {
  /** `18.4`, as the server reports it. */
  version: string;
  /** The admin's name. */
  user: string;
  superuser: boolean;
}

/** The handle a run opens; it holds one connection to the admin's database until close(). */
export interface PreviewDatabases {
  /**
   * Connects and checks what every later step needs: the server answers, the admin has CREATEDB and
   * CREATEROLE (or is a superuser), the server is PostgreSQL 13 or later, and the template exists, can
   * be copied, and (on 14 and older) is closed to PUBLIC. Throws DatabaseInputError naming the input;
   * ensure() runs the same checks itself. With a PR, also that nothing that is not ours holds its
   * database's or role's name (DatabaseError, as ensure() would throw), so a run can fail before any
   * platform write that the deploy would not survive.
   */
  check(ref?: PreviewRef): Promise<ServerFacts>;
  /** The PR's database and role: created (from the template), finished when half-made, or kept as they are. */
  ensure(ref: PreviewRef): Promise<PreparedDatabase>;
  /** Drops the PR's database (even while the app holds connections), then its role; a second drop is a no-op. */
  drop(ref: PreviewRef): Promise<DropOutcome>;
  /** The previews of this repository on the server, by their markers, in PR order. */
  list(repository: string): Promise<InventoryEntry[]>;
  /** Messages and round trips to the server so far, a connection counting one. */
  readonly roundTrips: number;
  close(): Promise<void>;
}
