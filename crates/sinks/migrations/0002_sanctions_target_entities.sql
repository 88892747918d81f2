-- newswire PostgreSQL sink, schema version 2: the named entities sanctions events target.
--
-- One row per entry of a sanctions event's `target_entities` in the record: "the US sanctioned
-- Sberbank and VTB Bank" gives two rows sharing the event's event_index (the same index as in
-- sanctions_events). Replaced with the article's other child rows on every write.

CREATE TABLE sanctions_target_entities (
    article_id      text    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- Position of the event in the record's `sanctions` array (sanctions_events.event_index).
    event_index     integer NOT NULL,
    -- Position of the entity in the event's `target_entities` array.
    entity_index    integer NOT NULL,
    -- The name as written in the article ("Sberbank", "the tanker Adrian Darya 1" -> "Adrian Darya 1").
    text            text    NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('company', 'bank', 'person', 'vessel', 'agency', 'group')),
    -- ISO 3166-1 alpha-2 code of the entity's country, NULL when unknown.
    country         text,
    -- Where the mention is: field ('title' or 'body') and byte offsets in it.
    mention_field   text    NOT NULL,
    mention_start   bigint  NOT NULL,
    mention_end     bigint  NOT NULL,
    PRIMARY KEY (article_id, event_index, entity_index)
);

-- "Which articles target Sberbank": case-insensitive equality and prefix search
-- (lower(text) = 'sberbank', lower(text) LIKE 'sberbank%').
CREATE INDEX sanctions_target_entities_text_idx
    ON sanctions_target_entities (lower(text) text_pattern_ops, article_id);
