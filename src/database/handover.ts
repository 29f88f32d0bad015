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
// - types and domains (not a table's row type, an array type or a multirange, which follow theirs;
//   a multirange follows its range only from PostgreSQL 16, so on 14 and 15 it is given after it),
//   functions, procedures and aggregates, collations, conversions, operators, operator classes and
//   families, text search configurations and dictionaries, extended statistics, and large objects.
// Left out: what initdb made (OIDs below 16384, FirstNormalObjectId) unless the admin may act for its
// owner (public on PostgreSQL 14 and older); an extension's members, which belong to the extension;
// what is part of another object (an internal dependency, pg_depend 'i', on another object: a range
// type's constructor functions, which PostgreSQL gives the bootstrap superuser, follow the type; a
// partitioned table's dependency on its own key columns is no such thing); another session's
// temporary objects, which go when it ends; and event triggers, publications, foreign servers and
// wrappers, which only a superuser may own.
// An object the admin may not give away stops the step with PostgreSQL's "must be owner of …".
//
// The block runs as the admin in a database the role owns, where the role may have put functions and
// operators of its own: every operator, function, type and cast is named with its schema (and the
// session's search_path is pinned besides, session.ts), so nothing but PostgreSQL's own is called.
// A simple CASE and IN would look `=` up by search_path, so the block writes neither.
//
// When the role ends up owning the public schema (PostgreSQL 14 and older with a superuser admin, or
// a template whose public schema the admin owned), PUBLIC's CREATE on it, the default there, is
// revoked: only the app creates objects in its database, even should a role be given CONNECT later.
const eq = 'OPERATOR(pg_catalog.=)';
const ne = 'OPERATOR(pg_catalog.<>)';
const ge = 'OPERATOR(pg_catalog.>=)';
const like = 'OPERATOR(pg_catalog.~~)';
const firstNormal = `'16384'::pg_catalog.oid`;
const catalog = (name: string): string => `'pg_catalog.${name}'::pg_catalog.regclass`;
/** Objects of a catalog with a plain owner column: kind, catalog, oid, owner and namespace. */
const plain = (kind: string, table: string, owner: string, namespace: string): string =>
  `SELECT 2, '${kind}', ${catalog(table)}, x.oid, x.${owner}, x.${namespace} FROM pg_catalog.${table} x WHERE x.oid ${ge} ${firstNormal}`;

export const handoverSql = `DO $handover$
DECLARE
  heir_oid pg_catalog.oid := (SELECT d.datdba FROM pg_catalog.pg_database d WHERE d.datname ${eq} pg_catalog.current_database());
  heir pg_catalog.name := pg_catalog.pg_get_userbyid(heir_oid);
  item record;
BEGIN
  FOR item IN
    WITH objects AS (
      SELECT 0 AS pass, 'SCHEMA' AS kind, ${catalog('pg_namespace')} AS catalog, n.oid, n.nspowner AS owner, '0'::pg_catalog.oid AS namespace
        FROM pg_catalog.pg_namespace n
       WHERE n.nspname ${ne} 'pg_catalog' AND n.nspname ${ne} 'information_schema'
         AND NOT n.nspname ${like} 'pg\\_toast%' AND NOT n.nspname ${like} 'pg\\_temp\\_%'
         AND n.nspowner ${ne} coalesce(pg_catalog.to_regrole('pg_database_owner')::pg_catalog.oid, '0'::pg_catalog.oid)
         AND (n.oid ${ge} ${firstNormal} OR pg_catalog.pg_has_role(n.nspowner, 'USAGE'))
      UNION ALL
      SELECT 1, CASE WHEN c.relkind ${eq} 'v' THEN 'VIEW' WHEN c.relkind ${eq} 'm' THEN 'MATERIALIZED VIEW' WHEN c.relkind ${eq} 'S' THEN 'SEQUENCE'
                     WHEN c.relkind ${eq} 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
             ${catalog('pg_class')}, c.oid, c.relowner, c.relnamespace
        FROM pg_catalog.pg_class c
       WHERE c.relkind ${eq} ANY ('{r,p,f,v,m,S}'::pg_catalog."char"[]) AND c.oid ${ge} ${firstNormal}
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                          WHERE c.relkind ${eq} 'S' AND d.classid ${eq} ${catalog('pg_class')} AND d.objid ${eq} c.oid
                            AND d.refclassid ${eq} ${catalog('pg_class')} AND d.deptype ${eq} ANY ('{a,i}'::pg_catalog."char"[]))
      UNION ALL
      SELECT 2, CASE WHEN t.typtype ${eq} 'd' THEN 'DOMAIN' ELSE 'TYPE' END, ${catalog('pg_type')}, t.oid, t.typowner, t.typnamespace
        FROM pg_catalog.pg_type t
       WHERE t.oid ${ge} ${firstNormal} AND t.typtype ${ne} 'm'
         AND (t.typrelid ${eq} '0'::pg_catalog.oid OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid ${eq} t.typrelid) ${eq} 'c')
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.typarray ${eq} t.oid)
      UNION ALL
      SELECT 2, CASE WHEN p.prokind ${eq} 'p' THEN 'PROCEDURE' WHEN p.prokind ${eq} 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
             ${catalog('pg_proc')}, p.oid, p.proowner, p.pronamespace
        FROM pg_catalog.pg_proc p WHERE p.oid ${ge} ${firstNormal}
      UNION ALL ${plain('COLLATION', 'pg_collation', 'collowner', 'collnamespace')}
      UNION ALL ${plain('CONVERSION', 'pg_conversion', 'conowner', 'connamespace')}
      UNION ALL ${plain('OPERATOR', 'pg_operator', 'oprowner', 'oprnamespace')}
      UNION ALL ${plain('OPERATOR FAMILY', 'pg_opfamily', 'opfowner', 'opfnamespace')}
      UNION ALL ${plain('OPERATOR CLASS', 'pg_opclass', 'opcowner', 'opcnamespace')}
      UNION ALL ${plain('TEXT SEARCH CONFIGURATION', 'pg_ts_config', 'cfgowner', 'cfgnamespace')}
      UNION ALL ${plain('TEXT SEARCH DICTIONARY', 'pg_ts_dict', 'dictowner', 'dictnamespace')}
      UNION ALL ${plain('STATISTICS', 'pg_statistic_ext', 'stxowner', 'stxnamespace')}
      UNION ALL SELECT 2, 'LARGE OBJECT', ${catalog('pg_largeobject')}, x.oid, x.lomowner, '0'::pg_catalog.oid
                  FROM pg_catalog.pg_largeobject_metadata x WHERE x.oid ${ge} ${firstNormal}
    )
    SELECT o.pass, o.kind, (pg_catalog.pg_identify_object(o.catalog, o.oid, 0)).identity AS identity
      FROM objects o
     WHERE o.owner ${ne} heir_oid
       AND NOT pg_catalog.pg_is_other_temp_schema(o.namespace)
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                        WHERE d.classid ${eq} o.catalog AND d.objid ${eq} o.oid AND d.deptype ${eq} ANY ('{e,i}'::pg_catalog."char"[])
                          AND NOT (d.refclassid ${eq} o.catalog AND d.refobjid ${eq} o.oid))
     ORDER BY o.pass, o.kind, identity
  LOOP
    EXECUTE pg_catalog.format('ALTER %s %s OWNER TO %I', item.kind, item.identity, heir);
  END LOOP;
  -- A range's multirange follows it on 16 and later, and must be given on its own on 14 and 15
  -- (13 has none; PL/pgSQL plans a statement only when it first runs it).
  IF pg_catalog.current_setting('server_version_num')::pg_catalog.int4 ${ge} 140000 THEN
    FOR item IN
      SELECT (pg_catalog.pg_identify_object(${catalog('pg_type')}, m.oid, 0)).identity AS identity
        FROM pg_catalog.pg_range r
        JOIN pg_catalog.pg_type t ON t.oid ${eq} r.rngtypid
        JOIN pg_catalog.pg_type m ON m.oid ${eq} r.rngmultitypid
       WHERE t.typowner ${eq} heir_oid AND m.typowner ${ne} heir_oid AND m.oid ${ge} ${firstNormal}
    LOOP
      EXECUTE pg_catalog.format('ALTER TYPE %s OWNER TO %I', item.identity, heir);
    END LOOP;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname ${eq} 'public' AND n.nspowner ${eq} heir_oid) THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END
$handover$`;

/**
 * Ends every other role's session in the database but the admin's own (a session with no role, such
 * as autovacuum's, is the server's; pg_stat_activity shows another role's session's type to no one
 * but its peers, so the role is what tells): a role that connected
 * between CREATE DATABASE and the REVOKE of CONNECT keeps no seat in it (to LISTEN to the app's
 * notifications, or call what PUBLIC may execute). The admin may end the sessions of every role it
 * is a member of, so of every preview's; anyone else's stops the step, saying whose it is.
 */
export const endOtherSessionsSql = `DO $close$
DECLARE
  other record;
BEGIN
  FOR other IN
    SELECT a.pid, a.usename FROM pg_catalog.pg_stat_activity a
     WHERE a.datname ${eq} pg_catalog.current_database() AND a.pid ${ne} pg_catalog.pg_backend_pid()
       AND a.usesysid IS NOT NULL AND a.usesysid ${ne} (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname ${eq} CURRENT_USER)
  LOOP
    BEGIN
      PERFORM pg_catalog.pg_terminate_backend(other.pid);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'role "%" connected to the new database before CONNECT was revoked, and the admin may not end its session', other.usename
        USING HINT = 'end that session (as a superuser: pg_terminate_backend) and run again; the database is finished then';
    END;
  END LOOP;
END
$close$`;
