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
export const handoverSql = `DO $handover$
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
