-- newswire PostgreSQL sink, schema version 2: the family of a weapons system.
--
-- A system that is a variant, export version, licensed build or copy of another design names
-- that design in the record's `weapons[].family` ("Geran-2" -> "Shahed-136"); NULL for an
-- original design and for rows written before this version. Additive: old rows and old readers
-- are unaffected.

ALTER TABLE article_weapons ADD COLUMN family text;

-- "Which articles name Shahed-136 or any of its copies":
--   WHERE name = 'Shahed-136' OR family = 'Shahed-136'
CREATE INDEX article_weapons_family_idx ON article_weapons (family, article_id)
    WHERE family IS NOT NULL;
