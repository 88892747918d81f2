-- newswire PostgreSQL sink, schema version 1.
--
-- One row in `articles` per article id (upserted), and child rows that are replaced as a whole
-- whenever the article is written again. Every write of an article happens in one transaction
-- together with its child rows, so a reader never sees an article with half of its facts.

CREATE TABLE articles (
    id              text        PRIMARY KEY,
    feed_id         text        NOT NULL,
    feed_url        text        NOT NULL,
    url             text,
    canonical_url   text,
    title           text        NOT NULL,
    language        text,
    published_at    timestamptz,
    updated_at      timestamptz,
    -- NULL only when the record's fetched_at lies outside the years 1..9999; the record keeps it.
    fetched_at      timestamptz,
    -- The time an article is counted under: when it was published, or else when it was fetched.
    effective_at    timestamptz GENERATED ALWAYS AS (coalesce(published_at, fetched_at)) STORED,
    -- The whole EnrichedArticle exactly as it travels on newswire.articles.enriched.v1.
    record          jsonb       NOT NULL,
    -- When this row was last written by the sink.
    written_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX articles_effective_at_idx ON articles (effective_at);

CREATE TABLE article_countries (
    article_id      text             NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    code            text             NOT NULL,
    name            text             NOT NULL,
    salience        double precision NOT NULL,
    is_primary      boolean          NOT NULL,
    mention_count   integer          NOT NULL,
    PRIMARY KEY (article_id, code)
);

-- "Which articles are about country X", and "top countries by primary mentions".
CREATE INDEX article_countries_code_idx ON article_countries (code, article_id) INCLUDE (is_primary);

CREATE TABLE article_weapons (
    article_id      text    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name            text    NOT NULL,
    category        text    NOT NULL,
    origin          text,
    manufacturer    text,
    mention_count   integer NOT NULL,
    PRIMARY KEY (article_id, name)
);

-- "Which articles name weapons system X".
CREATE INDEX article_weapons_name_idx ON article_weapons (name, article_id);

-- One row per (imposer, target) pair of each sanctions event: an event "the EU and the US
-- sanctioned Russia and Belarus" becomes four rows sharing its event_index. An event that names
-- no imposer (or no target) still gets rows, with imposer (or target) NULL.
CREATE TABLE sanctions_events (
    article_id      text    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- Position of the event in the record's `sanctions` array.
    event_index     integer NOT NULL,
    -- Position of this (imposer, target) pair within the event.
    pair_index      integer NOT NULL,
    imposer         text,
    target          text,
    action          text    NOT NULL CHECK (action IN ('impose', 'threaten', 'lift', 'evade', 'oppose')),
    negated         boolean NOT NULL,
    sectors         text[]  NOT NULL,
    programs        text[]  NOT NULL,
    evidence_field  text    NOT NULL,
    evidence_start  bigint  NOT NULL,
    evidence_end    bigint  NOT NULL,
    PRIMARY KEY (article_id, event_index, pair_index)
);

-- "Sanctions events by imposer and target over time".
CREATE INDEX sanctions_events_imposer_target_idx ON sanctions_events (imposer, target, article_id);
CREATE INDEX sanctions_events_target_idx ON sanctions_events (target, article_id);
