export const id = 244;
export const ids = [244,580];
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
