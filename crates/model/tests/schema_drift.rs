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
