//! The checked-in schemas under `schemas/` must equal the ones generated from the types.

use std::path::PathBuf;

use newswire_model::schema::RecordType;

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

#[test]
fn checked_in_schemas_match_the_code() {
    let update = std::env::var_os("NEWSWIRE_UPDATE_SCHEMAS").is_some();
    let mut drifted = Vec::new();
    for record in RecordType::ALL {
        let path = schemas_dir().join(record.file_name());
        let generated = record.schema_text();
        if update {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != generated {
            drifted.push(path.display().to_string());
        }
    }
    assert!(
        drifted.is_empty(),
        "schemas drifted from the code: {drifted:?}; if the change is intended, run \
         NEWSWIRE_UPDATE_SCHEMAS=1 cargo test -p newswire-model --test schema_drift \
         and bump the schema version if it is not backwards compatible"
    );
}

#[test]
fn drift_is_detected() {
    // The comparison above must be able to fail: a schema with a field removed differs.
    let mut schema = RecordType::EnrichedArticle.schema();
    schema["properties"]
        .as_object_mut()
        .unwrap()
        .remove("countries");
    let altered = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    assert_ne!(altered, RecordType::EnrichedArticle.schema_text());
}

#[test]
fn schemas_reject_records_that_break_the_contract() {
    let schema = RecordType::EnrichedArticle.schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let bad = serde_json::json!({"id": "x", "fetched_at": "2022-08-16T00:00:00Z",
        "countries": [{"code": "TR"}], "weapons": [], "weapon_classes": [], "sanctions": [],
        "enrichment": {"engine_version": "0", "gazetteer_version": "0", "took_us": 1}});
    assert!(
        !validator.is_valid(&bad),
        "a country without name/salience/primary must be refused"
    );
}

/// A minimal enriched record with one sanctions event between `imposers` and `targets`.
fn record_with_parties(imposers: &[&str], targets: &[&str]) -> serde_json::Value {
    serde_json::json!({"id": "x", "fetched_at": "2022-08-16T00:00:00Z",
        "countries": [], "weapons": [], "weapon_classes": [],
        "sanctions": [{"imposers": imposers, "targets": targets, "action": "impose",
            "negated": false, "sectors": [], "programs": [],
            "evidence": {"field": "body", "start": 0, "end": 1},
            "target_entities": [{"text": "Sberbank", "kind": "bank", "country": "RU",
                "field": "body", "start": 0, "end": 8}]}],
        "enrichment": {"engine_version": "0", "gazetteer_version": "0", "took_us": 1}})
}

#[test]
fn the_schema_allows_iso2_codes_and_the_bloc_codes_only() {
    let schema = RecordType::EnrichedArticle.schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for code in newswire_model::BLOC_CODES.iter().chain(&["AU", "US", "XK"]) {
        let rec = record_with_parties(&[code], &[code]);
        assert!(validator.is_valid(&rec), "{code} must be accepted");
    }
    for code in ["African Union", "au", "USA", "", "WESTERN"] {
        assert!(
            !validator.is_valid(&record_with_parties(&[code], &["RU"])),
            "imposer {code:?} must be refused"
        );
        assert!(
            !validator.is_valid(&record_with_parties(&["US"], &[code])),
            "target {code:?} must be refused"
        );
    }
}

#[test]
fn no_bloc_code_can_be_read_as_a_country_code() {
    // EU and UN are reserved by ISO 3166-1 for exactly those bodies; every other bloc code
    // must not look like an ISO2 code at all.
    for code in newswire_model::BLOC_CODES {
        let iso2_shaped = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
        assert!(
            !iso2_shaped || ["EU", "UN"].contains(code),
            "{code} collides with the ISO2 code space"
        );
        assert!(newswire_model::is_party_code(code));
    }
    assert!(!newswire_model::is_party_code("African Union"));
}

#[test]
fn target_entities_are_optional_for_older_records() {
    let schema = RecordType::EnrichedArticle.schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut rec = record_with_parties(&["US"], &["RU"]);
    rec["sanctions"][0]
        .as_object_mut()
        .unwrap()
        .remove("target_entities");
    assert!(validator.is_valid(&rec));
    let mut bad = record_with_parties(&["US"], &["RU"]);
    bad["sanctions"][0]["target_entities"][0]["kind"] = "ship".into();
    assert!(
        !validator.is_valid(&bad),
        "an unknown entity kind is refused"
    );
}

#[test]
fn sectors_must_be_words_of_the_sector_vocabulary() {
    let schema = RecordType::EnrichedArticle.schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut rec = record_with_parties(&["US"], &["RU"]);
    rec["sanctions"][0]["sectors"] = serde_json::json!(newswire_model::SANCTION_SECTORS);
    assert!(
        validator.is_valid(&rec),
        "every vocabulary word is accepted"
    );
    // A phrase that maps to a word, a near miss and a free word are all refused.
    for word in ["defense industry", "Oil", "oil sector", "widgets"] {
        rec["sanctions"][0]["sectors"] = serde_json::json!([word]);
        assert!(!validator.is_valid(&rec), "sector {word:?} must be refused");
    }
}
