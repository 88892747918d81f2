//! Whether a JSON document is a JSON Feed, read without building its tree: feed-rs parses the
//! document again anyway, and building a `serde_json::Value` first cost as much as that.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// `Ok(true)` for an object whose `version` mentions jsonfeed.org or whose `items` is an
/// array (the last of duplicate keys counts, as in `serde_json::Value`); `Err` for invalid JSON.
pub(super) fn is_json_feed(doc: &str) -> Result<bool, serde_json::Error> {
    serde_json::from_str::<Probe>(doc).map(|p| p.0)
}

struct Probe(bool);

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopLevel)
    }
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Probe;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let (mut version, mut items) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => {
                    version = map
                        .next_value::<serde_json::Value>()?
                        .as_str()
                        .is_some_and(|v| v.contains("jsonfeed.org"))
                }
                "items" => items = map.next_value::<IsArray>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Probe(version || items))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Probe(false))
    }
}

/// Whether a value is an array, its content skipped.
struct IsArray(bool);

impl<'de> Deserialize<'de> for IsArray {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IsArrayVisitor)
    }
}

struct IsArrayVisitor;

impl<'de> Visitor<'de> for IsArrayVisitor {
    type Value = IsArray;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IsArray, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(IsArray(true))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IsArray, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(IsArray(false))
    }

    fn visit_bool<E>(self, _: bool) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_i64<E>(self, _: i64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_u64<E>(self, _: u64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_f64<E>(self, _: f64) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_str<E>(self, _: &str) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }

    fn visit_unit<E>(self) -> Result<IsArray, E> {
        Ok(IsArray(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The probe answers as the `serde_json::Value` check it replaces.
    #[test]
    fn agrees_with_the_value_check() {
        fn by_value(doc: &str) -> Result<bool, String> {
            let v: serde_json::Value = serde_json::from_str(doc).map_err(|e| e.to_string())?;
            Ok(v.get("version")
                .and_then(|v| v.as_str())
                .is_some_and(|v| v.contains("jsonfeed.org"))
                || v.get("items").is_some_and(|v| v.is_array()))
        }
        for doc in [
            r#"{"version":"https://jsonfeed.org/version/1.1","items":[]}"#,
            r#"{"version":"https://jsonfeed.org/version/1","title":"x"}"#,
            r#"{"items":[{"id":"1","x":[1,2,{"a":null}]}]}"#,
            r#"{"items":{"id":"1"}}"#,
            r#"{"items":"none","version":7}"#,
            r#"{"items":[],"items":null}"#,
            r#"{"version":"1.0","items":1.5e3,"x":true}"#,
            r#"{"title":"no feed","v\u0065rsion":"jsonfeed.org"}"#,
            r#"[{"items":[]}]"#,
            "{}",
            "[]",
            r#"{"items":[1,}"#,
            r#"{"a":1} trailing"#,
            "{\"items\":[",
        ] {
            let probe = is_json_feed(doc).map_err(|e| e.to_string());
            assert_eq!(probe, by_value(doc), "{doc}");
        }
    }
}
