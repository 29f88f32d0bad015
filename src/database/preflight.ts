// One query tells every step what it needs before it changes anything: the server's version, the
// admin's privileges, the template, and whether the preview's database and role exist and whose they
// are. Preflight turns what it found into input errors: the user must change a setting, not retry.
import type { DatabaseServer, ServerFacts } from './contract.js';
import { DatabaseInputError } from './errors.js';
import { quoteName, type Session } from './session.js';

/** The first release with DROP DATABASE … WITH (FORCE), which a close needs while the app is connected. */
const minimumVersion = 130000;

/**
 * PostgreSQL 15 took CREATE on the public schema from PUBLIC in new databases. Before it, any role
 * that can connect to a database can create objects in it: in a template, every preview's copy then
 * holds them, and in a new database before CONNECT is revoked, the admin then works among them.
 */
export const privatePublicSchemaVersion = 150000;

export interface ServerState {
  versionNum: number;
  version: string;
  user: string;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  /** publicConnect: PUBLIC may connect to it (an ACL of NULL means so), so any role on the server may open it. */
  template: { copyable: boolean; owner: string; publicConnect: boolean } | undefined;
  database: { owner: string; allowsConnections: boolean } | undefined;
  role: { comment: string | null } | undefined;
}

interface StateRow {
  version_num: number;
  version: string;
  user: string;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  template_owner: string | null;
  template_copyable: boolean;
  template_public_connect: boolean;
  database_owner: string | null;
  database_allows_connections: boolean | null;
  role_exists: boolean;
  role_comment: string | null;
}

const eq = 'OPERATOR(pg_catalog.=)';

// A database may be copied by its owner's members, or by anyone with CREATEDB when it is marked a
// template (dbcommands.c, createdb()); copying needs no CONNECT. pg_has_role(…, 'USAGE') is true for
// superusers too. Every operator and function is named with its schema (session.ts says why).
const stateQuery = `
SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4 AS version_num,
       pg_catalog.current_setting('server_version') AS version,
       me.rolname AS "user", me.rolsuper AS superuser, me.rolcreatedb AS createdb, me.rolcreaterole AS createrole,
       pg_catalog.pg_get_userbyid(t.datdba) AS template_owner,
       coalesce(t.datistemplate OR pg_catalog.pg_has_role(t.datdba, 'USAGE'), false) AS template_copyable,
       EXISTS (SELECT FROM pg_catalog.aclexplode(coalesce(t.datacl, pg_catalog.acldefault('d', t.datdba))) AS a
                WHERE a.grantee ${eq} '0'::pg_catalog.oid AND a.privilege_type ${eq} 'CONNECT') AS template_public_connect,
       pg_catalog.pg_get_userbyid(d.datdba) AS database_owner,
       d.datallowconn AS database_allows_connections,
       r.oid IS NOT NULL AS role_exists,
       pg_catalog.shobj_description(r.oid, 'pg_authid') AS role_comment
  FROM pg_catalog.pg_roles me
  LEFT JOIN pg_catalog.pg_database t ON t.datname ${eq} $1
  LEFT JOIN pg_catalog.pg_database d ON d.datname ${eq} $2
  LEFT JOIN pg_catalog.pg_roles r ON r.rolname ${eq} $2
 WHERE me.rolname ${eq} CURRENT_USER`;

/** `name`: the preview's database and role, or undefined when only the server is checked. */
export async function inspect(session: Session, template: string | undefined, name: string | undefined): Promise<ServerState> {
  const [row] = await session.rows<StateRow>(stateQuery, [template ?? null, name ?? null]);
  if (row === undefined) throw new Error('pg_roles has no row for current_user');
  return {
    versionNum: row.version_num,
    version: row.version,
    user: row.user,
    superuser: row.superuser,
    createdb: row.createdb,
    createrole: row.createrole,
    template: row.template_owner === null ? undefined : { copyable: row.template_copyable, owner: row.template_owner, publicConnect: row.template_public_connect },
    database: row.database_owner === null ? undefined : { owner: row.database_owner, allowsConnections: row.database_allows_connections === true },
    role: row.role_exists ? { comment: row.role_comment } : undefined,
  };
}

/** The checks every step relies on; throws DatabaseInputError naming the input, the server and what is missing. */
export function preflight(state: ServerState, server: DatabaseServer, template: string | undefined): ServerFacts {
  const at = server.where;
  if (state.versionNum < minimumVersion) {
    throw new DatabaseInputError('database-url', `reaches PostgreSQL ${state.version} at ${at}; fly-preview needs 13 or later (DROP DATABASE … WITH (FORCE))`);
  }
  const missing = state.superuser ? [] : [state.createdb ? [] : ['CREATEDB'], state.createrole ? [] : ['CREATEROLE']].flat();
  if (missing.length > 0) {
    throw new DatabaseInputError(
      'database-url',
      `logs in to ${at} as "${state.user}", which lacks ${missing.join(' and ')}; use a role with CREATEDB and CREATEROLE (a superuser is not needed), or grant them: ALTER ROLE ${quoteName(state.user)} ${missing.join(' ')}`,
    );
  }
  if (template !== undefined && state.template === undefined) {
    throw new DatabaseInputError('database-template', `names no database on ${at}: "${template}"; create it, or leave database-template empty for an empty database`);
  }
  if (template !== undefined && state.template !== undefined && !state.template.copyable) {
    throw new DatabaseInputError(
      'database-template',
      `"${template}" on ${at} belongs to "${state.template.owner}" and is not marked as a template, so "${state.user}" may not copy it; ` +
        `mark it as its owner (ALTER DATABASE ${quoteName(template)} IS_TEMPLATE true) or use a database "${state.user}" owns`,
    );
  }
  if (template !== undefined && state.template?.publicConnect === true && state.versionNum < privatePublicSchemaVersion) {
    throw new DatabaseInputError(
      'database-template',
      `"${template}" on ${at} lets every role connect, and on PostgreSQL ${state.version} every role that connects may create objects in its public schema, ` +
        `which every preview's copy would then hold (one preview's app could plant them for the next); ` +
        `revoke it as its owner: REVOKE CONNECT ON DATABASE ${quoteName(template)} FROM PUBLIC (copying a template needs no CONNECT)`,
    );
  }
  return { version: state.version, user: state.user, superuser: state.superuser };
}
