export const id = 650;
export const ids = [650,244,580];
export const modules = {

/***/ 9538:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PM: () => (/* binding */ step),
/* harmony export */   a$: () => (/* binding */ DatabaseError),
/* harmony export */   an: () => (/* binding */ DatabaseInputError),
/* harmony export */   lZ: () => (/* binding */ serverWords)
/* harmony export */ });
/* unused harmony export redact */
// Two kinds of failure a run must tell apart: a setting the user must change, named after its input
// as every input error is, and a step the server refused, named with the server and PostgreSQL's own
// words. Neither ever holds a password: messages are built from names, and whatever text comes from
// the server or the network is redacted of every secret the room knows before it is kept.
/** A database input the user must change; the message names the input and the accepted form. */
class DatabaseInputError extends Error {
    input;
    /** The message without the input's name, for a run that words input errors its own way. */
    problem;
    constructor(input, problem) {
        super(`Input '${input}' ${problem}`);
        this.name = 'DatabaseInputError';
        this.input = input;
        this.problem = problem;
    }
}
/** A step the server refused or could not finish. */
class DatabaseError extends Error {
    /** PostgreSQL's SQLSTATE, or the network's error code (ECONNREFUSED); undefined when neither said. */
    code;
    constructor(message, code) {
        super(message);
        this.name = 'DatabaseError';
        this.code = code;
    }
}
function serverWords(error, secrets) {
    if (!(error instanceof Error))
        return { text: redact(String(error), secrets), code: undefined };
    const fields = error;
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    const parts = [error.message === '' ? error.name : error.message];
    if (code !== undefined)
        parts[0] = `${parts[0]} (${/^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code})`;
    if (typeof fields.detail === 'string')
        parts.push(fields.detail);
    if (typeof fields.hint === 'string')
        parts.push(`Hint: ${fields.hint}`);
    return { text: redact(parts.join('. '), secrets), code };
}
/** The text with every secret, longest first so a secret inside another goes with it, replaced. */
function redact(text, secrets) {
    let out = text;
    for (const secret of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length))
        out = out.split(secret).join('***');
    return out;
}
/** Runs one step; a refusal is rethrown saying which step, on which server, and what PostgreSQL said. */
async function step(what, where, run) {
    try {
        return await run();
    }
    catch (error) {
        if (error instanceof DatabaseError)
            throw new DatabaseError(`${what} on ${where} failed: ${error.message}`, error.code);
        throw error;
    }
}


/***/ }),

/***/ 1650:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DatabaseError: () => (/* reexport */ errors/* DatabaseError */.a$),
  DatabaseInputError: () => (/* reexport */ errors/* DatabaseInputError */.an),
  openPreviewDatabases: () => (/* binding */ openPreviewDatabases)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./lib/database/errors.js
var errors = __webpack_require__(9538);
;// CONCATENATED MODULE: ./lib/database/handover.js
// What the template held becomes the preview role's, object by object, so the app's migrations can
// alter seeded tables. Never REASSIGN OWNED: it would also hand the role every other database and
// object the admin owns on the server.
//
// One DO block, run inside the new database, finds the objects and changes their owner server-side,
// so the step costs one round trip whatever the template holds. Its text is constant: the heir is the
// database's owner (the role, from CREATE DATABASE … OWNER), and every name is quoted by the server's
// own pg_identify_object() and format('%I'). What it covers (every object that has an owner in a
// database, PostgreSQL's catalogs, "Owner" columns):
// - schemas, first: the heir must hold CREATE on a schema before it can own what is in it;
// - tables (partitioned and foreign too), views, materialized views and sequences; a table's indexes
//   and the sequences of its serial or identity columns follow it, and are refused on their own;
// - types and domains (not a table's row type, an array type or a multirange, which follow theirs),
//   functions, procedures and aggregates, collations, conversions, operators, operator classes and
//   families, text search configurations and dictionaries, extended statistics, and large objects.
// Left out: what initdb made (OIDs below 16384, FirstNormalObjectId) unless the admin may act for its
// owner (public on PostgreSQL 14 and older); an extension's members, which belong to the extension;
// what is part of another object (an internal dependency, pg_depend 'i', on another object: a range
// type's constructor functions, which PostgreSQL gives the bootstrap superuser, follow the type; a
// partitioned table's dependency on its own key columns is no such thing); and event triggers,
// publications, foreign servers and wrappers, which only a superuser may own.
// An object the admin may not give away stops the step with PostgreSQL's "must be owner of …".
const handoverSql = `DO $handover$
DECLARE
  heir name := (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database());
  item record;
BEGIN
  FOR item IN
    WITH objects AS (
      SELECT 0 AS pass, 'SCHEMA' AS kind, 'pg_namespace'::regclass AS catalog, n.oid, n.nspowner AS owner
        FROM pg_namespace n
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
         AND n.nspowner <> coalesce(to_regrole('pg_database_owner')::oid, 0::oid)
         AND (n.oid >= 16384 OR pg_has_role(n.nspowner, 'USAGE'))
      UNION ALL
      SELECT 1, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                               WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
             'pg_class'::regclass, c.oid, c.relowner
        FROM pg_class c
       WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND c.oid >= 16384
         AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
      UNION ALL
      SELECT 2, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, 'pg_type'::regclass, t.oid, t.typowner
        FROM pg_type t
       WHERE t.oid >= 16384 AND t.typtype <> 'm'
         AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
         AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
      UNION ALL
      SELECT 2, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
             'pg_proc'::regclass, p.oid, p.proowner
        FROM pg_proc p WHERE p.oid >= 16384
      UNION ALL SELECT 2, 'COLLATION', 'pg_collation'::regclass, oid, collowner FROM pg_collation WHERE oid >= 16384
      UNION ALL SELECT 2, 'CONVERSION', 'pg_conversion'::regclass, oid, conowner FROM pg_conversion WHERE oid >= 16384
      UNION ALL SELECT 2, 'OPERATOR', 'pg_operator'::regclass, oid, oprowner FROM pg_operator WHERE oid >= 16384
      UNION ALL SELECT 2, 'OPERATOR FAMILY', 'pg_opfamily'::regclass, oid, opfowner FROM pg_opfamily WHERE oid >= 16384
      UNION ALL SELECT 2, 'OPERATOR CLASS', 'pg_opclass'::regclass, oid, opcowner FROM pg_opclass WHERE oid >= 16384
      UNION ALL SELECT 2, 'TEXT SEARCH CONFIGURATION', 'pg_ts_config'::regclass, oid, cfgowner FROM pg_ts_config WHERE oid >= 16384
      UNION ALL SELECT 2, 'TEXT SEARCH DICTIONARY', 'pg_ts_dict'::regclass, oid, dictowner FROM pg_ts_dict WHERE oid >= 16384
      UNION ALL SELECT 2, 'STATISTICS', 'pg_statistic_ext'::regclass, oid, stxowner FROM pg_statistic_ext WHERE oid >= 16384
      UNION ALL SELECT 2, 'LARGE OBJECT', 'pg_largeobject'::regclass, oid, lomowner FROM pg_largeobject_metadata WHERE oid >= 16384
    )
    SELECT o.pass, o.kind, (pg_identify_object(o.catalog, o.oid, 0)).identity AS identity
      FROM objects o
     WHERE o.owner <> (SELECT datdba FROM pg_database WHERE datname = current_database())
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype IN ('e', 'i')
                          AND NOT (d.refclassid = o.catalog AND d.refobjid = o.oid))
     ORDER BY o.pass, o.kind, identity
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', item.kind, item.identity, heir);
  END LOOP;
END
$handover$`;

;// CONCATENATED MODULE: ./lib/database/marker.js
const managedBy = 'fly-preview';
function roleMarker(ref) {
    return JSON.stringify({ managedBy, repository: ref.repository, pr: ref.pr });
}
function databaseMarker(ref, template, createdAt) {
    return JSON.stringify({ managedBy, repository: ref.repository, pr: ref.pr, template: template ?? null, createdAt: createdAt.toISOString() });
}
/** The marker a comment holds, or undefined when the comment is absent, not JSON, or not ours. */
function readMarker(comment) {
    if (comment === null)
        return undefined;
    let value;
    try {
        value = JSON.parse(comment);
    }
    catch {
        return undefined;
    }
    if (typeof value !== 'object' || value === null)
        return undefined;
    const fields = value;
    const { repository, pr, template, createdAt } = fields;
    if (fields['managedBy'] !== managedBy || typeof repository !== 'string' || typeof pr !== 'number' || !Number.isSafeInteger(pr))
        return undefined;
    return {
        repository,
        pr,
        ...(typeof template === 'string' || template === null ? { template } : {}),
        ...(typeof createdAt === 'string' ? { createdAt } : {}),
    };
}
/** GitHub's repository names are case-insensitive. */
function sameRepository(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}
function marks(marker, ref) {
    return marker !== undefined && marker.pr === ref.pr && sameRepository(marker.repository, ref.repository);
}
function roleStanding(role, ref) {
    if (role === undefined)
        return 'absent';
    return marks(readMarker(role.comment), ref) ? 'ours' : 'foreign';
}
function databaseStanding(database, role, name, ref) {
    if (database === undefined)
        return { kind: 'absent' };
    const marker = readMarker(database.comment);
    if (marker !== undefined && marks(marker, ref))
        return { kind: 'ready', marker, owner: database.owner };
    if (database.comment === null && role === 'ours' && database.owner === name)
        return { kind: 'half' };
    return { kind: 'foreign', marker };
}
/** Why a database or role of our name is not ours, for the error that refuses it. */
function notOursBecause(marker) {
    return marker === undefined ? 'it carries no fly-preview marker' : `it is marked as the preview of ${marker.repository}#${marker.pr}`;
}

// EXTERNAL MODULE: ./lib/database/password.js
var database_password = __webpack_require__(7800);
// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(3849);
// EXTERNAL MODULE: ./node_modules/pg-connection-string/esm/index.mjs
var pg_connection_string_esm = __webpack_require__(984);
;// CONCATENATED MODULE: ./lib/database/session.js
// A connection to the server through node-postgres, counting the round trips a step costs (a
// connection counts one) and redacting every secret from whatever the server or the network says.
// The URL's TLS and other options are read by the client's own parser (pg-connection-string) with
// libpq's meaning of sslmode, the meaning the URL has in psql and in the app's own driver.



/** The issue's bound: a server that does not answer fails the step within seconds. */
const connectTimeoutMs = 15_000;
class Session {
    #client;
    #options;
    constructor(client, options) {
        this.#client = client;
        this.#options = options;
    }
    /** Connects as the admin to `database`; a failure throws what the server or the network said, redacted. */
    static async open(server, database, options) {
        options.meter.roundTrips++;
        let client;
        const started = performance.now();
        try {
            // The parser reads sslrootcert and friends from disk and refuses contradictory TLS options.
            const parsed = (0,pg_connection_string_esm/* parse */.qg)(server.href, { useLibpqCompat: !new URL(server.href).searchParams.has('uselibpqcompat') });
            client = new esm/* default.Client */.Ay.Client({
                application_name: 'fly-preview',
                ...(0,pg_connection_string_esm/* toClientConfig */.d4)(parsed),
                host: server.host,
                port: server.port,
                user: server.user,
                password: server.password,
                database,
                connectionTimeoutMillis: options.timeoutMs,
            });
            // A backend ended by the server (DROP DATABASE … WITH (FORCE), a restart) is reported as an
            // 'error' event; unheard, Node would end the process. The query in flight fails on its own.
            client.on('error', () => undefined);
            await client.connect();
            return new Session(client, options);
        }
        catch (error) {
            await client?.end().catch(() => undefined);
            const words = (0,errors/* serverWords */.lZ)(error, options.secrets);
            // node-postgres ends a connection past connectionTimeoutMillis with no code of its own.
            const timedOut = words.code === undefined && performance.now() - started >= options.timeoutMs;
            throw new errors/* DatabaseError */.a$(words.text, timedOut ? 'ETIMEDOUT' : words.code);
        }
    }
    /** One statement with bind parameters, one round trip. */
    async rows(text, values) {
        this.#options.meter.roundTrips++;
        try {
            return (await this.#client.query(text, values)).rows;
        }
        catch (error) {
            throw this.#failed(error);
        }
    }
    /**
     * Statements sent in one simple-query message, one round trip: the server runs them as one
     * implicit transaction, so they all take effect or none does. Values reach them only through the
     * client's escapeIdentifier and escapeLiteral.
     */
    async batch(statements) {
        this.#options.meter.roundTrips++;
        try {
            await this.#client.query(statements.join(';\n'));
        }
        catch (error) {
            throw this.#failed(error);
        }
    }
    async end() {
        await this.#client.end().catch(() => undefined);
    }
    #failed(error) {
        const words = (0,errors/* serverWords */.lZ)(error, this.#options.secrets);
        return new errors/* DatabaseError */.a$(words.text, words.code);
    }
}
/** A failed admin connection as the input error it is: the URL names a server that cannot be used. */
function connectProblem(server, error, timeoutMs) {
    const problem = (text) => new errors/* DatabaseInputError */.an('database-url', text);
    if (error.code === 'ECONNREFUSED')
        return problem(`could not connect to ${server.where}: connection refused; is the server running, and on that port?`);
    if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
        return problem(`names a host the runner cannot resolve: ${server.where}`);
    if (error.code === 'ETIMEDOUT')
        return problem(`got no answer from ${server.where} within ${timeoutMs / 1000} s; is the host reachable from the runner?`);
    if (error.code === '28P01')
        return problem(`was refused by ${server.where}: the password of user "${server.user}" is wrong (${error.message})`);
    return problem(`could not connect to ${server.where} as "${server.user}": ${error.message}`);
}
const quoteName = esm/* default.escapeIdentifier */.Ay.escapeIdentifier;
const quoteText = esm/* default.escapeLiteral */.Ay.escapeLiteral;

;// CONCATENATED MODULE: ./lib/database/preflight.js


/** The first release with DROP DATABASE … WITH (FORCE), which a close needs while the app is connected. */
const minimumVersion = 130000;
// A database may be copied by its owner's members, or by anyone with CREATEDB when it is marked a
// template (dbcommands.c, createdb()). pg_has_role(…, 'USAGE') is true for superusers too.
const stateQuery = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       me.rolname AS "user", me.rolsuper AS superuser, me.rolcreatedb AS createdb, me.rolcreaterole AS createrole,
       pg_get_userbyid(t.datdba) AS template_owner,
       coalesce(t.datistemplate OR pg_has_role(t.datdba, 'USAGE'), false) AS template_copyable,
       pg_get_userbyid(d.datdba) AS database_owner,
       shobj_description(d.oid, 'pg_database') AS database_comment,
       r.oid IS NOT NULL AS role_exists,
       shobj_description(r.oid, 'pg_authid') AS role_comment
  FROM pg_roles me
  LEFT JOIN pg_database t ON t.datname = $1
  LEFT JOIN pg_database d ON d.datname = $2
  LEFT JOIN pg_roles r ON r.rolname = $2
 WHERE me.rolname = current_user`;
/** `name`: the preview's database and role, or undefined when only the server is checked. */
async function inspect(session, template, name) {
    const [row] = await session.rows(stateQuery, [template ?? null, name ?? null]);
    if (row === undefined)
        throw new Error('pg_roles has no row for current_user');
    return {
        versionNum: row.version_num,
        version: row.version,
        user: row.user,
        superuser: row.superuser,
        createdb: row.createdb,
        createrole: row.createrole,
        template: row.template_owner === null ? undefined : { copyable: row.template_copyable, owner: row.template_owner },
        database: row.database_owner === null ? undefined : { owner: row.database_owner, comment: row.database_comment },
        role: row.role_exists ? { comment: row.role_comment } : undefined,
    };
}
/** The checks every step relies on; throws DatabaseInputError naming the input, the server and what is missing. */
function preflight(state, server, template) {
    const at = server.where;
    if (state.versionNum < minimumVersion) {
        throw new errors/* DatabaseInputError */.an('database-url', `reaches PostgreSQL ${state.version} at ${at}; fly-preview needs 13 or later (DROP DATABASE … WITH (FORCE))`);
    }
    const missing = state.superuser ? [] : [state.createdb ? [] : ['CREATEDB'], state.createrole ? [] : ['CREATEROLE']].flat();
    if (missing.length > 0) {
        throw new errors/* DatabaseInputError */.an('database-url', `logs in to ${at} as "${state.user}", which lacks ${missing.join(' and ')}; use a role with CREATEDB and CREATEROLE (a superuser is not needed), or grant them: ALTER ROLE ${quoteName(state.user)} ${missing.join(' ')}`);
    }
    if (template !== undefined && state.template === undefined) {
        throw new errors/* DatabaseInputError */.an('database-template', `names no database on ${at}: "${template}"; create it, or leave database-template empty for an empty database`);
    }
    if (template !== undefined && state.template !== undefined && !state.template.copyable) {
        throw new errors/* DatabaseInputError */.an('database-template', `"${template}" on ${at} belongs to "${state.template.owner}" and is not marked as a template, so "${state.user}" may not copy it; ` +
            `mark it as its owner (ALTER DATABASE ${quoteName(template)} IS_TEMPLATE true) or use a database "${state.user}" owns`);
    }
    return { version: state.version, user: state.user, superuser: state.superuser };
}

// EXTERNAL MODULE: ./lib/database/target.js
var database_target = __webpack_require__(244);
;// CONCATENATED MODULE: ./lib/database/create.js
// On deploy: the PR's role and database, made in an order a dead run can be resumed from, in at most
// six round trips from a template (a connection counting one):
//   1. connect to the admin's database;
//   2. inspect: privileges, template, and what of the preview exists (preflight.ts);
//   3. CREATE ROLE … LOGIN PASSWORD <verifier>; COMMENT ON ROLE (the marker); GRANT the role to the
//      admin — one message, so the role never exists unmarked;
//   4. CREATE DATABASE … OWNER role TEMPLATE …, alone, as it cannot run in a transaction block;
//   5. connect to the new database;
//   6. the handover of the template's objects, REVOKE CONNECT … FROM PUBLIC, and the database's
//      marker — one message, so the marker says the database is finished.
// A push or re-run finds both marked and only re-sets the role's password (the same verifier, unless
// the admin's password changed) in three round trips; its data is never touched. A run that died
// after 3 or 4 is resumed at the next step.








/** PostgreSQL 16 made membership options explicit: CREATE DATABASE … OWNER needs SET, ownership checks INHERIT. */
const explicitMembershipVersion = 160000;
/**
 * The admin's membership in the role, without which a non-superuser may not create a database it
 * owns (SET), change the template's objects' owner to it (SET), or act as the database's owner for
 * REVOKE, COMMENT, the schemas' handover and DROP DATABASE … WITH (FORCE) (INHERIT). CREATE ROLE
 * gave the admin ADMIN OPTION on the role, which lets it grant the role to itself.
 */
function membership(state, role) {
    if (state.superuser)
        return [];
    const options = state.versionNum >= explicitMembershipVersion ? ' WITH INHERIT TRUE, SET TRUE' : '';
    return [`GRANT ${quoteName(role)} TO CURRENT_USER${options}`];
}
/**
 * Two runs for one PR at once (a push during a re-run) take turns at each message instead of
 * colliding in the catalogs ("tuple concurrently updated"); the loser of a CREATE looks again.
 * The key is a number computed here, not a value pasted into SQL.
 */
function takeTurn(name) {
    return `SELECT pg_advisory_xact_lock(${(0,external_node_crypto_.createHash)('sha256').update(`fly-preview ${name}`).digest().readBigInt64BE(0)})`;
}
function refuse(what, name, where, ref, because) {
    return new errors/* DatabaseError */.a$(`A ${what} named "${name}" already exists on ${where} and is not fly-preview's for ${ref.repository}#${ref.pr}: ${because}. ` +
        `fly-preview never adopts a ${what} it did not create; drop or rename it to give this PR a database.`, undefined);
}
function standingOrRefuse(state, name, where, ref) {
    const role = roleStanding(state.role, ref);
    if (role === 'foreign')
        throw refuse('role', name, where, ref, notOursBecause(readMarker(state.role?.comment ?? null)));
    const database = databaseStanding(state.database, role, name, ref);
    if (database.kind === 'foreign')
        throw refuse('database', name, where, ref, notOursBecause(database.marker));
    if (database.kind === 'ready' && (role === 'absent' || database.owner !== name)) {
        throw new errors/* DatabaseError */.a$(`The database "${name}" on ${where} is marked as fly-preview's for ${ref.repository}#${ref.pr}, but is owned by "${database.owner}" rather than by its role "${name}"; ` +
            'someone changed it by hand. Give it back (ALTER DATABASE … OWNER TO the role) or drop it.', undefined);
    }
    return { roleExists: role === 'ours', database };
}
async function ensurePreviewDatabase(room, ref) {
    const { server, template } = room.settings;
    const target = (0,database_target.previewDatabaseFor)(room.settings, ref);
    const { name } = target;
    const verifier = (0,database_password/* scramVerifier */.v)(server.password, name);
    room.secrets.push(...target.secrets, verifier);
    const admin = await room.admin();
    const state = await (0,errors/* step */.PM)('Reading the server', server.where, () => inspect(admin, template, name));
    preflight(state, server, template);
    const { roleExists, database } = standingOrRefuse(state, name, server.where, ref);
    const role = quoteName(name);
    const password = `PASSWORD ${quoteText(verifier)}`;
    if (roleExists) {
        await (0,errors/* step */.PM)(`Setting the password of role "${name}"`, server.where, () => admin.batch([takeTurn(name), `ALTER ROLE ${role} ${password}`, ...membership(state, name)]));
    }
    else {
        await (0,errors/* step */.PM)(`Creating role "${name}"`, server.where, () => admin.batch([takeTurn(name), `CREATE ROLE ${role} LOGIN ${password}`, `COMMENT ON ROLE ${role} IS ${quoteText(roleMarker(ref))}`, ...membership(state, name)]));
    }
    if (database.kind === 'ready') {
        const from = database.marker.template;
        return { ...target, template: from === null || from === undefined ? undefined : from, created: false, repaired: false };
    }
    if (database.kind === 'absent') {
        const copy = template === undefined ? '' : ` TEMPLATE ${quoteName(template)}`;
        await (0,errors/* step */.PM)(`Creating database "${name}"${template === undefined ? '' : ` from "${template}"`}`, server.where, () => admin.batch([`CREATE DATABASE ${role} OWNER ${role}${copy}`]));
    }
    await finish(room, ref, name);
    return { ...target, template, created: true, repaired: roleExists };
}
/** Steps 5 and 6: the new database's objects become the role's, no one else may connect, and it is marked. */
async function finish(room, ref, name) {
    const { server, template } = room.settings;
    const session = await (0,errors/* step */.PM)(`Connecting to the new database "${name}"`, server.where, () => room.open(name));
    try {
        const database = quoteName(name);
        await (0,errors/* step */.PM)(`Handing database "${name}" and the objects it holds to role "${name}"`, server.where, () => session.batch([takeTurn(name), handoverSql, `REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`, `COMMENT ON DATABASE ${database} IS ${quoteText(databaseMarker(ref, template, new Date()))}`]));
    }
    finally {
        await session.end();
    }
}

// EXTERNAL MODULE: ./lib/database/names.js
var names = __webpack_require__(7317);
;// CONCATENATED MODULE: ./lib/database/drop.js





async function dropPreviewDatabase(room, ref) {
    const { server } = room.settings;
    const name = (0,names/* previewDatabaseName */.x)(ref);
    const admin = await room.admin();
    const state = await (0,errors/* step */.PM)('Reading the server', server.where, () => inspect(admin, undefined, name));
    preflight(state, server, undefined);
    const role = roleStanding(state.role, ref);
    const standing = databaseStanding(state.database, role, name, ref).kind;
    const database = standing === 'absent' ? 'absent' : standing === 'foreign' ? 'not-ours' : 'dropped';
    if (database === 'dropped') {
        // FORCE ends the app's sessions first; the admin may, being a member of their role (INHERIT).
        await (0,errors/* step */.PM)(`Dropping database "${name}"`, server.where, () => admin.batch([`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`]));
    }
    const rolePart = role === 'absent' ? 'absent' : role === 'foreign' ? 'not-ours' : 'dropped';
    if (rolePart === 'dropped')
        await (0,errors/* step */.PM)(`Dropping role "${name}"`, server.where, () => admin.batch([`DROP ROLE IF EXISTS ${quoteName(name)}`]));
    return { name, database, role: rolePart };
}

;// CONCATENATED MODULE: ./lib/database/inventory.js


const markedQuery = `
SELECT 'database' AS kind, d.datname AS name, shobj_description(d.oid, 'pg_database') AS comment,
       pg_get_userbyid(d.datdba) AS owner, shobj_description(d.datdba, 'pg_authid') AS owner_comment
  FROM pg_database d
 WHERE shobj_description(d.oid, 'pg_database') IS NOT NULL OR shobj_description(d.datdba, 'pg_authid') IS NOT NULL
UNION ALL
SELECT 'role', r.rolname, shobj_description(r.oid, 'pg_authid'), NULL, NULL
  FROM pg_roles r
 WHERE shobj_description(r.oid, 'pg_authid') IS NOT NULL`;
/** The marker that makes a row this repository's preview, if one does. */
function ownMarker(row, repository) {
    const own = (marker) => marker !== undefined && sameRepository(marker.repository, repository) && (0,names/* previewDatabaseName */.x)(marker) === row.name;
    const marker = readMarker(row.comment);
    if (own(marker))
        return { marker, complete: row.kind === 'database' };
    if (row.kind === 'database' && row.comment === null && row.owner === row.name) {
        const roleMarker = readMarker(row.owner_comment);
        if (own(roleMarker))
            return { marker: roleMarker, complete: false };
    }
    return undefined;
}
async function listPreviewDatabases(session, repository) {
    const rows = await session.rows(markedQuery, []);
    const entries = new Map();
    for (const row of rows) {
        const found = ownMarker(row, repository);
        if (found === undefined)
            continue;
        const entry = entries.get(row.name) ?? { pr: found.marker.pr, name: row.name, database: false, role: false, complete: false, template: undefined, createdAt: undefined };
        if (row.kind === 'role')
            entry.role = true;
        else {
            entry.database = true;
            entry.complete = found.complete;
            entry.template = found.marker.template ?? undefined;
            entry.createdAt = found.marker.createdAt;
        }
        entries.set(row.name, entry);
    }
    return [...entries.values()].sort((a, b) => a.pr - b.pr);
}

;// CONCATENATED MODULE: ./lib/database/index.js







/**
 * Another run for the same PR created the role or database between our look and our CREATE: the
 * catalog's unique index (23505) or the duplicate check (42710 role, 42P04 database) says so.
 */
const lostRace = new Set(['23505', '42710', '42P04']);
/** A race lost at CREATE ROLE can be lost again at CREATE DATABASE. */
const ensureAttempts = 3;
function openPreviewDatabases(settings, options = {}) {
    const { server } = settings;
    const timeoutMs = Math.min(options.connectTimeoutMs ?? connectTimeoutMs, connectTimeoutMs);
    const meter = { roundTrips: 0 };
    const secrets = [...settings.secrets];
    const sessionOptions = { meter, secrets, timeoutMs };
    let admin;
    const room = {
        settings,
        secrets,
        admin() {
            admin ??= Session.open(server, server.database, sessionOptions).catch((error) => {
                admin = undefined;
                throw error instanceof errors/* DatabaseError */.a$ ? connectProblem(server, error, timeoutMs) : error;
            });
            return admin;
        },
        open: (database) => Session.open(server, database, sessionOptions),
    };
    return {
        async check() {
            const session = await room.admin();
            return preflight(await (0,errors/* step */.PM)('Reading the server', server.where, () => inspect(session, settings.template, undefined)), server, settings.template);
        },
        async ensure(ref) {
            for (let attempt = 1;; attempt++) {
                try {
                    return await ensurePreviewDatabase(room, ref);
                }
                catch (error) {
                    // The other run made it first: look again, and find it ours (or half-made by it).
                    const raced = error instanceof errors/* DatabaseError */.a$ && error.code !== undefined && lostRace.has(error.code);
                    if (!raced || attempt === ensureAttempts)
                        throw error;
                }
            }
        },
        drop: (ref) => dropPreviewDatabase(room, ref),
        async list(repository) {
            const session = await room.admin();
            return await (0,errors/* step */.PM)('Listing the previews', server.where, () => listPreviewDatabases(session, repository));
        },
        get roundTrips() {
            return meter.roundTrips;
        },
        async close() {
            const open = admin;
            admin = undefined;
            if (open !== undefined)
                await (await open.catch(() => undefined))?.end();
        },
    };
}


/***/ }),

/***/ 7317:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ maxIdentifierBytes),
/* harmony export */   x: () => (/* binding */ previewDatabaseName)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
// A preview's database and role name. PostgreSQL keeps 63 bytes of an identifier and silently cuts
// the rest, so two long names would become one; and a name that needs no quoting reads the same in
// psql, in a log and in a URL. Names are stable across versions: a sweep finds old previews by them.

/** PostgreSQL's NAMEDATALEN - 1. */
const maxIdentifierBytes = 63;
/** Lowercase letters, digits and single underscores, none at either end. */
function slug(text) {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
}
/**
 * `pr_<n>_<owner>_<repo>` (`pr_42_acme_shop`), lowercase ASCII, so it needs no quoting. Past 63 bytes
 * the repository part is cut and 8 hex of sha256 of the lowercased repository are added, so two long
 * names that share a prefix stay apart. The PR number is never cut.
 */
function previewDatabaseName(ref) {
    const head = `pr_${ref.pr}`;
    const repo = slug(ref.repository);
    const whole = `${head}_${repo}`;
    if (whole.length <= maxIdentifierBytes)
        return whole;
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(ref.repository.toLowerCase()).digest('hex').slice(0, 8);
    const cut = repo.slice(0, maxIdentifierBytes - head.length - hash.length - 2).replace(/_+$/, '');
    return `${head}_${cut}_${hash}`;
}


/***/ }),

/***/ 7800:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ derivePassword),
/* harmony export */   v: () => (/* binding */ scramVerifier)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
// The preview role's password is derived, not stored: an HMAC keyed by the admin's password over the
// database's name, so every run for a PR computes the same one, the app's URL does not churn, and
// nothing but the admin URL need be kept. The app learns its own password and nothing of the admin's.
//
// The server is sent a SCRAM-SHA-256 verifier rather than the password itself, as psql's \password
// does (RFC 5802, RFC 7677; PostgreSQL's libpq/scram-common.c): a CREATE ROLE that a server logs
// (log_statement = 'ddl' is common on managed services) then shows no password either. Its salt is
// derived too, so a re-run writes the very same verifier.

/** PostgreSQL's default scram_iterations. */
const iterations = 4096;
function hmac(key, text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', key).update(text).digest();
}
/** 43 URL-safe characters: no escaping in a URL, and ASCII, so SASLprep leaves it as it is. */
function derivePassword(adminPassword, name) {
    return hmac(adminPassword, `fly-preview role password\0${name}`).toString('base64url');
}
/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, the form PostgreSQL stores. */
function scramVerifier(adminPassword, name) {
    const password = derivePassword(adminPassword, name);
    const salt = hmac(adminPassword, `fly-preview role salt\0${name}`).subarray(0, 16);
    const salted = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.pbkdf2Sync)(password, salt, iterations, 32, 'sha256');
    const storedKey = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(hmac(salted, 'Client Key')).digest();
    const serverKey = hmac(salted, 'Server Key');
    return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}


/***/ }),

/***/ 244:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   previewDatabaseFor: () => (/* binding */ previewDatabaseFor)
/* harmony export */ });
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7317);
/* harmony import */ var _password_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7800);
/* harmony import */ var _url_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3580);



function previewDatabaseFor(settings, ref) {
    const name = (0,_names_js__WEBPACK_IMPORTED_MODULE_0__/* .previewDatabaseName */ .x)(ref);
    const password = (0,_password_js__WEBPACK_IMPORTED_MODULE_1__/* .derivePassword */ .J)(settings.server.password, name);
    const url = (0,_url_js__WEBPACK_IMPORTED_MODULE_2__/* .appDatabaseUrl */ .Kt)(settings.server, settings.appHost, name, name, password);
    return { name, role: name, url, secrets: [url, password] };
}


/***/ }),

/***/ 3580:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Kt: () => (/* binding */ appDatabaseUrl),
/* harmony export */   Nw: () => (/* binding */ parseAppHost),
/* harmony export */   databaseUrlSecrets: () => (/* binding */ databaseUrlSecrets),
/* harmony export */   mx: () => (/* binding */ parseDatabaseUrl)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9538);

const urlForm = 'postgres://user:password@host:5432/database?sslmode=require';
/**
 * Query keys libpq reads as the user, password, host, port or database. They would override what
 * the URL's authority says, in the admin's connection and in the app's, so each must be said once,
 * in the URL itself.
 */
const identityKeys = ['user', 'password', 'host', 'hostaddr', 'port', 'dbname', 'service', 'passfile'];
function urlProblem(problem) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DatabaseInputError */ .an('database-url', `${problem}; the accepted form is ${urlForm}`);
}
function decoded(part, what) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        throw urlProblem(`has a malformed %-escape in its ${what}`);
    }
}
/** `host:port` as messages write it, IPv6 in brackets. */
function where(urlHost, port) {
    return `${urlHost}:${port}`;
}
/** The admin URL, checked; throws DatabaseInputError naming `database-url`, never its value. */
function parseDatabaseUrl(raw) {
    let url;
    try {
        url = new URL(raw.trim());
    }
    catch {
        throw urlProblem('is not a URL (in a password, write @ : / # % as %40 %3A %2F %23 %25; a list of hosts is not supported)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
        throw urlProblem('must start with postgres:// or postgresql://');
    if (url.hostname === '')
        throw urlProblem('has no host');
    if (url.hostname.includes(','))
        throw urlProblem('names more than one host; give the primary alone');
    if (url.hash !== '')
        throw urlProblem('has a fragment (#…); a # in the password is written %23');
    if (url.username === '')
        throw urlProblem('has no user');
    if (url.password === '')
        throw urlProblem("has no password; each preview's role password is derived from it");
    const key = identityKeys.find((k) => url.searchParams.has(k));
    if (key !== undefined)
        throw urlProblem(`sets ${key} in its query; write the user, password, host, port and database in the URL itself`);
    const path = decoded(url.pathname.replace(/^\//, ''), 'database name');
    if (path.includes('/'))
        throw urlProblem('has a path of more than one segment; the path is the database name');
    const port = url.port === '' ? 5432 : Number(url.port);
    if (port === 0)
        throw urlProblem('has port 0');
    const user = decoded(url.username, 'user');
    return {
        protocol: url.protocol,
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port,
        user,
        password: decoded(url.password, 'password'),
        database: path === '' ? user : path,
        search: url.search,
        href: url.href,
        where: where(url.hostname, port),
    };
}
/** `host[:port]`: how the app reaches the same server; throws DatabaseInputError naming `database-app-host`. */
function parseAppHost(raw) {
    const problem = new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DatabaseInputError */ .an('database-app-host', 'must be host or host:port, such as my-pg.flycast:5432 or [fdaa::3]:5432, without user, path or query');
    let url;
    try {
        url = new URL(`postgres://${raw.trim()}`);
    }
    catch {
        throw problem;
    }
    if (url.hostname === '' || url.hostname.includes(',') || url.username !== '' || url.password !== '' || url.pathname !== '' || url.search !== '' || url.hash !== '') {
        throw problem;
    }
    return { host: url.hostname, port: url.port === '' ? undefined : Number(url.port) };
}
/**
 * Every form in which the admin's credentials could reach a log: the URL as written and as the URL
 * parser writes it, and the password encoded, decoded and re-encoded. Never throws, so a run can
 * mask an input parseDatabaseUrl will then reject.
 */
function databaseUrlSecrets(raw) {
    const forms = new Set([raw, raw.trim()]);
    try {
        const url = new URL(raw.trim());
        forms.add(url.href);
        forms.add(url.password);
        try {
            const password = decodeURIComponent(url.password);
            forms.add(password);
            forms.add(encodeURIComponent(password));
        }
        catch {
            // A malformed escape: the encoded form above is all there is.
        }
    }
    catch {
        // Not a URL: the raw value, masked whole, is all there is.
    }
    forms.delete('');
    return [...forms];
}
/** The app's URL: the admin's, with the preview's role, password and database, at the app's host when set. */
function appDatabaseUrl(server, appHost, name, role, password) {
    const url = new URL(server.href);
    url.username = encodeURIComponent(role);
    url.password = encodeURIComponent(password);
    url.pathname = `/${encodeURIComponent(name)}`;
    if (appHost !== undefined) {
        url.hostname = appHost.host;
        if (appHost.port !== undefined)
            url.port = String(appHost.port);
    }
    return url.href;
}


/***/ })

};
