-- newswire PostgreSQL sink, schema version 2: where an article's published_at came from.
--
-- published_at has always been nullable; the poller now leaves it NULL when the feed gave no
-- date (it used to hold the fetch time), so effective_at falls back to fetched_at for exactly
-- those articles. date_source names the feed element the date was read from (published,
-- updated, dc, dcterms_issued, dcterms_created, dcterms_modified, lastmod) and is NULL exactly
-- when published_at is. It is derived from the record, so the sink writes nothing new.
ALTER TABLE articles
    ADD COLUMN date_source text GENERATED ALWAYS AS (record->>'date_source') STORED;
