use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::Article;

/// An article with what the enrichment stage found in it: the record on
/// `newswire.articles.enriched.v1`, newswire's public contract.
///
/// The article's own fields are flattened into the top level, so `id`, `title` and `body`
/// sit beside `countries`, `weapons`, `weapon_classes` and `sanctions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EnrichedArticle {
    /// The article as polled; its fields sit at the top level of the JSON.
    #[serde(flatten)]
    pub article: Article,
    /// Countries the article mentions, most salient first.
    pub countries: Vec<CountryTag>,
    /// Named weapons systems, in order of first mention.
    pub weapons: Vec<WeaponTag>,
    /// Generic weapon classes ("air defence systems", "drones"), in order of first mention.
    pub weapon_classes: Vec<WeaponClassTag>,
    /// Sanctions events, in text order.
    pub sanctions: Vec<SanctionsEvent>,
    /// Which engine and gazetteers produced this record, and how long it took.
    pub enrichment: EnrichmentMeta,
}

/// Which text field of the article a span points into.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The article's `title`.
    Title,
    /// The article's `body`.
    Body,
}

/// How a mention refers to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// A name of the country or system ("Turkey", "Türkiye", "S-400").
    Name,
    /// An abbreviation ("U.S.", "UK", "DPRK").
    Abbreviation,
    /// A former name mapped to today's state ("Burma", "Zaire").
    FormerName,
    /// A demonym or adjective ("Turkish", "Russians").
    Demonym,
    /// The capital used for the state ("Ankara", "Moscow").
    Capital,
    /// A seat of power used for the state ("the Kremlin", "the White House").
    Seat,
    /// Another city of the country.
    City,
    /// The dateline that opens a wire story ("LONDON, Aug 16 (Reuters) -").
    Dateline,
    /// An alias of a weapons system ("Triumf").
    Alias,
    /// A NATO reporting name ("SA-21 Growler").
    ReportingName,
}

/// One occurrence of an entity in the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Mention {
    /// The text as it appears in the article.
    pub text: String,
    /// Which field the offsets point into.
    pub field: Field,
    /// Byte offset of the first byte in the field.
    pub start: usize,
    /// Byte offset one past the last byte in the field.
    pub end: usize,
    /// How the text refers to the entity.
    pub kind: MentionKind,
}

/// A country the article mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CountryTag {
    /// ISO 3166-1 alpha-2 (plus XK for Kosovo).
    pub code: String,
    /// Common English name.
    pub name: String,
    /// How central the country is to the article, 0..=1.
    pub salience: f64,
    /// The article is about this country.
    pub primary: bool,
    /// Every place the article names the country, in text order.
    pub mentions: Vec<Mention>,
}

/// The controlled vocabulary of weapon kinds: every `weapons[].category` and every
/// `weapon_classes[].name` is one of these words, the same word for the same kind in both
/// fields (meanings, and the map from the words used before, in docs/vocabulary.md).
pub const WEAPON_CATEGORIES: &[&str] = &[
    "fighter",
    "attack_aircraft",
    "bomber",
    "transport_aircraft",
    "special_mission_aircraft",
    "helicopter",
    "drone",
    "naval_drone",
    "loitering_munition",
    "missile",
    "air_defence",
    "manpads",
    "ballistic_missile",
    "cruise_missile",
    "hypersonic_missile",
    "anti_ship_missile",
    "anti_tank_missile",
    "air_to_air_missile",
    "air_to_surface_missile",
    "guided_bomb",
    "bomb",
    "cluster_munition",
    "rocket_artillery",
    "artillery",
    "mortar",
    "ammunition",
    "anti_aircraft_gun",
    "anti_tank_weapon",
    "tank",
    "armoured_vehicle",
    "warship",
    "aircraft_carrier",
    "submarine",
    "torpedo",
    "small_arms",
    "grenade",
    "landmine",
    "ied",
    "nuclear_weapon",
    "chemical_weapon",
    "biological_weapon",
];

/// The schema of a field that holds a word of [`WEAPON_CATEGORIES`].
fn weapon_category_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "enum": WEAPON_CATEGORIES})
}

/// A named weapons system the article mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WeaponTag {
    /// Canonical name ("S-400").
    pub name: String,
    /// What it is: a word of the controlled vocabulary ("air_defence", "fighter", ...).
    #[schemars(schema_with = "weapon_category_schema")]
    pub category: String,
    /// ISO2 of the country that builds it.
    pub origin: Option<String>,
    /// The company that builds it, when known.
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// The design this system is a variant, export version, licensed build or copy of, by its
    /// canonical name ("Geran-2" has family "Shahed-136"); `null` for an original design.
    #[serde(default)]
    pub family: Option<String>,
    /// Every place the article names the system, in text order.
    pub mentions: Vec<Mention>,
}

/// A generic class of weapon ("surface-to-air missiles", "drones", "warplanes").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WeaponClassTag {
    /// The kind, a word of the same controlled vocabulary as `weapons[].category` ("drone",
    /// "air_defence", "fighter", ...).
    #[schemars(schema_with = "weapon_category_schema")]
    pub name: String,
    /// Every place the article names the class, in text order.
    pub mentions: Vec<Mention>,
}

/// What a sanctions event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionAction {
    /// Sanctions are imposed or extended.
    Impose,
    /// Sanctions are threatened or prepared.
    Threaten,
    /// Sanctions are lifted, suspended or eased.
    Lift,
    /// Sanctions are evaded or circumvented.
    Evade,
    /// Someone refuses to join, condemns or resists sanctions.
    Oppose,
}

/// Where in the article the evidence for a fact is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// Which field the offsets point into.
    pub field: Field,
    /// Byte offset of the first byte of the evidence in the field.
    pub start: usize,
    /// Byte offset one past the last byte of the evidence in the field.
    pub end: usize,
}

/// Who sanctions whom, how, and whether it happened.
///
/// For impose, threaten and lift, `imposers` act on `targets`. For evade, `imposers` are whose
/// sanctions are evaded (when the text says) and `targets` who evades them. For oppose,
/// `imposers` hold the party that refuses to join, condemns or resists, and `targets` the
/// target of the sanctions in question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SanctionsEvent {
    /// The imposing side (for evade and oppose see above): ISO 3166-1 alpha-2 codes (plus XK
    /// for Kosovo), or a bloc: EU, UN, G7, WEST, ECOWAS, AFRICAN_UNION.
    #[schemars(schema_with = "party_codes_schema")]
    pub imposers: Vec<String>,
    /// The targeted side (for evade and oppose see above): ISO 3166-1 alpha-2 codes (plus XK
    /// for Kosovo), or a bloc as for `imposers`.
    #[schemars(schema_with = "party_codes_schema")]
    pub targets: Vec<String>,
    /// What the event does.
    pub action: SanctionAction,
    /// The text says it did not or will not happen ("has not joined", "will not impose").
    pub negated: bool,
    /// Sectors named as targets: words of the sector vocabulary ("defence industry", "oil").
    #[schemars(schema_with = "sanction_sectors_schema")]
    pub sectors: Vec<String>,
    /// Named laws and programmes ("CAATSA", "EU Regulation 833/2014").
    pub programs: Vec<String>,
    /// The clause the event was read from (the whole sentence when it has one clause).
    pub evidence: Evidence,
    /// Named companies, banks, people, vessels, agencies and groups the event targets, in
    /// order of first mention. Absent in records written before the field existed (read as
    /// empty).
    #[serde(default)]
    pub target_entities: Vec<TargetEntity>,
}

/// The codes of the blocs that can impose or be targeted, none of which can be mistaken for an
/// ISO 3166-1 alpha-2 country code: `EU` and `UN` are reserved by ISO 3166-1 for exactly these
/// bodies, the others are not two letters.
///
/// Engines before `target_entities` existed wrote the African Union as `AU`, which is
/// Australia's code; the schema evolution notes in the docs say how to migrate.
pub const BLOC_CODES: &[&str] = &["EU", "UN", "G7", "WEST", "ECOWAS", "AFRICAN_UNION"];

/// Whether `code` may stand in `imposers` or `targets`: two upper-case ASCII letters (an ISO2
/// code) or one of [`BLOC_CODES`].
pub fn is_party_code(code: &str) -> bool {
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) || BLOC_CODES.contains(&code)
}

/// JSON Schema of `imposers` and `targets`: each item an ISO2 code or a bloc code.
fn party_codes_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "anyOf": [
                {"type": "string", "pattern": "^[A-Z]{2}$",
                 "description": "ISO 3166-1 alpha-2 code (XK for Kosovo)."},
                {"type": "string", "enum": BLOC_CODES,
                 "description": "A bloc: EU, UN, G7, WEST (\"the West\", \"Western\"), ECOWAS, AFRICAN_UNION."}
            ]
        }
    })
}

/// The controlled vocabulary of sanctioned sectors: every `sanctions[].sectors[]` is one of
/// these words (what each covers, and the phrases that map to it, in docs/vocabulary.md).
pub const SANCTION_SECTORS: &[&str] = &[
    "agriculture",
    "arms",
    "aviation",
    "banking",
    "chemicals",
    "coal",
    "defence industry",
    "diamonds",
    "drones",
    "energy",
    "fertiliser",
    "gas",
    "gold",
    "luxury goods",
    "metals",
    "military",
    "mining",
    "nuclear",
    "oil",
    "shipping",
    "technology",
    "timber",
];

/// JSON Schema of `sectors`: each item a word of [`SANCTION_SECTORS`].
fn sanction_sectors_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "string", "enum": SANCTION_SECTORS}})
}

/// What kind of thing a targeted entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A firm that is not a bank ("Northrop Grumman", "Sepehr Energy", "Babylon Navigation DMCC").
    Company,
    /// A bank or other lender ("Sberbank", "VTB Bank").
    Bank,
    /// A named person ("Ramzan Kadyrov").
    Person,
    /// A named ship ("Adrian Darya 1").
    Vessel,
    /// A state body: ministry, military unit, intelligence service ("the IRGC").
    Agency,
    /// An armed, political or criminal organisation ("Hezbollah").
    Group,
}

/// A named entity a sanctions event targets, as first written in the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TargetEntity {
    /// The name as it appears in the article ("Adrian Darya 1", "Sberbank").
    pub text: String,
    /// What the entity is.
    pub kind: EntityKind,
    /// ISO2 code of the entity's country (seat, nationality, flag), if known.
    pub country: Option<String>,
    /// The field of the mention `text` was taken from.
    pub field: Field,
    /// Byte offset of the mention's first byte in the field.
    pub start: usize,
    /// Byte offset one past the mention's last byte in the field.
    pub end: usize,
}

/// How and when the record was enriched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EnrichmentMeta {
    /// Version of the enrichment engine (the newswire-enrich crate).
    pub engine_version: String,
    /// Version of the gazetteers, a content hash of the shipped data files.
    pub gazetteer_version: String,
    /// Time spent enriching this article, in microseconds.
    pub took_us: u64,
}
