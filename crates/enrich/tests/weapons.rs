//! Named weapons systems and weapon classes: one test per rule and per trap.

use newswire_enrich::weapons::WeaponMatcher;
use newswire_model::{Field, MentionKind};
use std::sync::OnceLock;

fn matcher() -> &'static WeaponMatcher {
    static M: OnceLock<WeaponMatcher> = OnceLock::new();
    M.get_or_init(WeaponMatcher::new)
}

fn names(body: &str) -> Vec<String> {
    let (w, _) = matcher().extract("", body);
    w.into_iter().map(|t| t.name).collect()
}

fn classes(body: &str) -> Vec<String> {
    let (_, c) = matcher().extract("", body);
    c.into_iter().map(|t| t.name).collect()
}

#[test]
fn gazetteer_is_large_and_clean() {
    let systems = matcher().systems();
    assert!(systems.len() >= 600, "only {} systems", systems.len());
    assert!(
        matcher().conflicts().is_empty(),
        "surface forms claimed twice: {:?}",
        matcher().conflicts()
    );
    for s in systems {
        assert!(!s.category.is_empty(), "{} has no category", s.name);
        if let Some(o) = &s.origin {
            assert!(
                o.len() == 2 && o.chars().all(|c| c.is_ascii_uppercase()),
                "{}: bad origin {o}",
                s.name
            );
        }
    }
}

#[test]
fn gazetteer_covers_every_category_the_issue_lists() {
    let cats: std::collections::BTreeSet<&str> = matcher()
        .systems()
        .iter()
        .map(|s| s.category.as_str())
        .collect();
    for want in [
        "fighter",
        "bomber",
        "transport_aircraft",
        "helicopter",
        "drone",
        "air_defence",
        "ballistic_missile",
        "cruise_missile",
        "hypersonic_missile",
        "anti_ship_missile",
        "anti_tank_missile",
        "manpads",
        "rocket_artillery",
        "artillery",
        "tank",
        "armoured_vehicle",
        "warship",
        "submarine",
        "small_arms",
    ] {
        assert!(cats.contains(want), "no system of category {want}");
    }
}

#[test]
fn s400_spellings_all_resolve() {
    for text in [
        "Turkey bought the S-400 from Russia.",
        "Turkey bought S400s from Russia.",
        "Turkey bought the S 400 system.",
        "Two S-400s were delivered.",
        "The S-400 Triumf is Russia's best air defence.",
        "NATO calls it the SA-21 Growler.",
    ] {
        assert_eq!(names(text), vec!["S-400"], "{text}");
    }
}

#[test]
fn model_suffixes_map_to_the_family() {
    assert_eq!(
        names("Israel flies the F-35I and the US Marines the F-35B."),
        vec!["F-35"]
    );
    assert_eq!(names("Russia lost a Su-35S over Kherson."), vec!["Su-35"]);
    assert_eq!(names("A T-72B3M tank was destroyed."), vec!["T-72"]);
}

#[test]
fn metadata_is_carried() {
    let (w, _) = matcher().extract("", "The S-400 and F-35 are incompatible.");
    assert_eq!(w[0].category, "air_defence");
    assert_eq!(w[0].origin.as_deref(), Some("RU"));
    assert_eq!(w[1].name, "F-35");
    assert_eq!(w[1].category, "fighter");
    assert_eq!(w[1].origin.as_deref(), Some("US"));
    assert!(w[1].manufacturer.is_some());
}

#[test]
fn mention_offsets_point_at_the_text() {
    let body = "Ankara took delivery of S-400s. The SA-21 Growler is mobile.";
    let (w, _) = matcher().extract("New S-400 deal", body);
    let m = &w[0].mentions;
    assert_eq!(m[0].field, Field::Title);
    assert_eq!(&"New S-400 deal"[m[0].start..m[0].end], "S-400");
    assert_eq!(&body[m[1].start..m[1].end], "S-400s");
    assert_eq!(m[2].kind, MentionKind::ReportingName);
    assert_eq!(&body[m[2].start..m[2].end], m[2].text);
}

#[test]
fn ambiguous_names_need_military_context() {
    assert_eq!(
        names("Germany will send a Patriot battery to Poland."),
        vec!["Patriot"]
    );
    assert_eq!(
        names("Ukraine fired Javelin missiles at the column."),
        vec!["Javelin"]
    );
    assert!(names("He was a true Patriot and loved his country.").is_empty());
    assert!(names("Congress renewed the Patriot Act on Tuesday.").is_empty());
    assert!(names("She won gold in the javelin, and the Javelin trophy too.").is_empty());
    assert!(names("The chef served Caesar salad with a Tomahawk steak.").is_empty());
    assert!(names("Stacey Abrams spoke in Atlanta.").is_empty());
    assert!(names("Tiger Woods won the Masters.").is_empty());
    assert!(names("The Harpoon Brewery opened a taproom.").is_empty());
    assert!(names("The Leopard is an endangered cat.").is_empty());
    assert!(names("The Grim Reaper costume was a hit.").is_empty());
    assert!(names("Predator is a 1987 film.").is_empty());
    assert!(names("The Stinger is a cocktail.").is_empty());
}

#[test]
fn ambiguous_names_fire_when_the_system_is_confirmed_elsewhere() {
    let text = "Germany approved Leopard 2 tanks for Kyiv. The first Leopards arrive in March.";
    let (w, _) = matcher().extract("", text);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].name, "Leopard 2");
    assert_eq!(w[0].mentions.len(), 2);
}

#[test]
fn designation_lookalikes_never_fire() {
    for text in [
        "G-7 and G-20 leaders met in Osaka.",
        "M-1, M-2 and M-3 money supply rose in March.",
        "M1 and M2 money supply grew 3%.",
        "The bond kept its A-1 rating.",
        "Ford sold more F-150 pickups.",
        "COVID-19 cases fell.",
        "Boeing 737 deliveries resumed.",
        "Xiaomi launched the Mi 11 phone.",
        "The Samsung Galaxy A10 is cheap.",
        "Climbers died on K2 last winter.",
        "U2 played in Dublin.",
        "He took the A10 road north.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
}

#[test]
fn weak_spellings_count_in_context() {
    assert_eq!(
        names("US A10 jets struck the convoy."),
        vec!["A-10 Thunderbolt II"]
    );
}

#[test]
fn classes_are_separate_from_named_systems() {
    let text = "The S-400 surface-to-air missile batteries and stealth fighters, drones and IEDs.";
    assert_eq!(names(text), vec!["S-400"]);
    assert_eq!(
        classes(text),
        vec!["air_defence", "fighter", "drone", "ied"]
    );
    assert_eq!(
        classes("Syria used chemical weapons."),
        vec!["chemical_weapon"]
    );
    assert_eq!(
        classes("Ukraine needs more air defense systems."),
        vec!["air_defence"]
    );
}

#[test]
fn class_traps() {
    assert!(classes("A think tank said oil tanks were full.").is_empty());
    assert!(classes("The suicide bomber was identified.").is_empty());
    assert!(classes("Brick-and-mortar shops closed.").is_empty());
}

#[test]
fn never_panics_on_odd_input() {
    let long = "S-400 ".repeat(1000);
    for text in [
        "",
        "S-",
        "-400",
        "S-400\u{2019}s",
        "é S-400é",
        "F-35\u{00a0}A",
        "ΑΒΓ S 400 ΔΕ",
        long.as_str(),
        "\u{201c}Patriot\u{201d}.",
    ] {
        let _ = matcher().extract(text, text);
    }
}

#[test]
fn every_ambiguous_name_of_the_issue_fires_in_military_context() {
    for (text, want) in [
        ("Denmark will buy Harpoon anti-ship missiles.", "Harpoon"),
        (
            "The destroyer fired a Tomahawk cruise missile at the base.",
            "Tomahawk",
        ),
        (
            "Ukrainian troops fired Stingers at the helicopter.",
            "Stinger",
        ),
        (
            "The Leopard tanks rolled toward the front line.",
            "Leopard 2",
        ),
        ("Poland ordered more Abrams tanks.", "M1 Abrams"),
        ("US Reaper drones flew over Gaza.", "MQ-9 Reaper"),
        ("Predator drones circled the compound.", "MQ-1 Predator"),
        ("France sent Caesar howitzers to Kyiv.", "CAESAR"),
        (
            "Australia retired its Tiger attack helicopters.",
            "Eurocopter Tiger",
        ),
        ("Germany sent a Patriot battery to Poland.", "Patriot"),
        ("Ukraine fired Javelin missiles at the column.", "Javelin"),
    ] {
        assert_eq!(names(text), vec![want], "{text}");
    }
}

#[test]
fn mentions_stop_before_a_generic_word() {
    let body = "Poland ordered Abrams tanks and a Patriot missile battery.";
    let (w, c) = matcher().extract("", body);
    let texts: Vec<&str> = w.iter().map(|t| t.mentions[0].text.as_str()).collect();
    assert_eq!(texts, vec!["Abrams", "Patriot"]);
    for t in &w {
        let m = &t.mentions[0];
        assert_eq!(&body[m.start..m.end], m.text);
    }
    let classes: Vec<&str> = c.iter().map(|t| t.name.as_str()).collect();
    assert!(classes.contains(&"tank"), "{classes:?}");
}

#[test]
fn reporting_names_and_export_designations_resolve() {
    assert_eq!(
        names("The SA-11 Gadfly that downed MH17 was Russian."),
        vec!["Buk"]
    );
    assert_eq!(
        names("Serbia bought the FK-3 air defence system."),
        vec!["FK-3"]
    );
    assert_eq!(names("Pyongyang fired KN-23 missiles."), vec!["Hwasong-11"]);
}

#[test]
fn copies_and_export_variants_are_systems_with_a_family() {
    let (w, _) = matcher().extract("", "Russia launched Geran-2 drones and Mi-35 helicopters.");
    let got: Vec<(&str, Option<&str>, Option<&str>)> = w
        .iter()
        .map(|t| (t.name.as_str(), t.family.as_deref(), t.origin.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Geran-2", Some("Shahed-136"), Some("RU")),
            ("Mi-35", Some("Mi-24"), Some("RU"))
        ]
    );
    let (w, _) = matcher().extract("", "HAL builds the Su-30MKI under licence.");
    assert_eq!(w[0].origin.as_deref(), Some("IN"));
    assert_eq!(w[0].family.as_deref(), Some("Su-30"));
    // An original design has no family.
    let (w, _) = matcher().extract("", "Iran supplied Shahed-136 drones.");
    assert_eq!(w[0].family, None);
}

#[test]
fn every_family_is_a_system_of_the_gazetteer() {
    let systems = matcher().systems();
    for s in systems {
        if let Some(f) = &s.family {
            assert_ne!(f, &s.name, "{} is its own family", s.name);
            assert!(
                systems.iter().any(|o| &o.name == f),
                "{}: family {f} is not a system",
                s.name
            );
        }
    }
    assert!(systems.iter().filter(|s| s.family.is_some()).count() >= 30);
}

#[test]
fn a_bare_parent_designation_means_the_variant_named_beside_it() {
    let (w, _) = matcher().extract(
        "India orders 100 more K-9 howitzers",
        "Larsen & Toubro will build 100 K-9 Vajra guns.",
    );
    let names: Vec<&str> = w.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["K9 Vajra"]);
    assert_eq!(w[0].mentions.len(), 2);
}

#[test]
fn bureau_names_and_maker_prefixes_resolve() {
    assert_eq!(names("Turkey may buy Sukhoi-35 fighters."), vec!["Su-35"]);
    assert_eq!(names("The Kamov-52 helicopter was hit."), vec!["Ka-52"]);
    assert_eq!(
        names("A Mikoyan MiG-29 and a Mil Mi-17 landed."),
        vec!["MiG-29", "Mi-17"]
    );
    assert_eq!(names("HAL built the Sukhoi-30MKI jets."), vec!["Su-30MKI"]);
}

#[test]
fn nato_names_with_numbers_are_not_folded_into_a_neighbour() {
    assert_eq!(
        names("The Kirov class carried P-700 Granit missiles."),
        vec!["Kirov-class", "P-700 Granit"]
    );
    assert_eq!(
        names("NATO calls it the SS-N-19 Shipwreck."),
        vec!["P-700 Granit"]
    );
    assert_eq!(
        names("Its 16 SS-N-12 Sandbox missiles."),
        vec!["P-500 Bazalt"]
    );
    assert_eq!(
        names("The ship has the Kinzhal 3K95 air defence system."),
        vec!["3K95 Kinzhal"]
    );
    assert_eq!(
        names("Russia fired Kinzhal hypersonic missiles."),
        vec!["Kinzhal"]
    );
}

#[test]
fn ship_classes_are_systems_and_single_ships_are_not() {
    assert_eq!(
        names("INS Kolkata leads the Kolkata-class destroyers."),
        vec!["Kolkata-class"]
    );
    assert_eq!(
        names("The Type 055 destroyer Nanchang sailed."),
        vec!["Type 055"]
    );
    assert_eq!(names("The Type 052 destroyer Qingdao."), vec!["Type 052"]);
    assert_eq!(
        names("China commissioned another Type-055 destroyer."),
        vec!["Type 055"]
    );
    for text in [
        "HMS Defender sailed past Crimea.",
        "The missile cruiser Varyag visited Maizuru.",
        "President Bush landed on the USS Abraham Lincoln after Air Force One.",
        "The frigate Admiral Makarov left Sevastopol.",
        "USS Patriot, a minehunter, sailed with HMS Tiger.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
    assert_eq!(
        names("HMS Defender, a Type 45 destroyer, sailed."),
        vec!["Type 45"]
    );
}

#[test]
fn tickers_ratings_and_product_codes_are_not_weapons() {
    for text in [
        "The notes were rated B-2 by Moody's, which cut the outlook.",
        "Moody's cut the loan to B1 from Ba3 and the outlook to negative.",
        "Starwood Hotels (NYSE: HOT) rose, as did Exxon <XON>.",
        "The S&P 500 rose 0.8%.",
        "MG showed the MG5 estate and the MG3 hybrid.",
        "The LG G3 and the Moto G3 used Snapdragon chips.",
        "The Pro models come with 16GB of RAM and a 4,700 mAh battery.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
    // The same designations in military copy still count.
    assert_eq!(names("Two B-2 bombers flew to Guam."), vec!["B-2 Spirit"]);
}

#[test]
fn team_names_in_sports_copy_are_not_weapons() {
    let text = "The Patriots' defense held the Jets to 17 points. Brady threw two touchdowns \
                and the Raptors beat the Warriors in overtime.";
    assert!(names(text).is_empty(), "{:?}", names(text));
    // The same plural in war news is the system.
    assert_eq!(
        names("Germany will send two more Patriots to Ukraine's air defence."),
        vec!["Patriot"]
    );
}

#[test]
fn capitalised_class_words_in_running_text_are_names() {
    assert!(classes("He bought a Chevrolet Corvette and cheered the Blue Bombers.").is_empty());
    assert!(classes("Google will lay a submarine cable to Bude.").is_empty());
    assert!(classes("He fired a 25-yard missile into the top corner.").is_empty());
    assert_eq!(
        classes("A Russian corvette fired missiles."),
        vec!["warship", "missile"]
    );
}

#[test]
fn matchers_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<WeaponMatcher>();
    assert_send_sync::<newswire_enrich::sanctions::SanctionsExtractor>();
}

#[test]
fn categories_and_class_names_are_words_of_the_vocabulary() {
    use newswire_model::WEAPON_CATEGORIES;
    for s in matcher().systems() {
        assert!(
            WEAPON_CATEGORIES.contains(&s.category.as_str()),
            "{}: category {} is not in the vocabulary",
            s.name,
            s.category
        );
    }
    for c in matcher().class_names() {
        assert!(WEAPON_CATEGORIES.contains(&c.as_str()), "class {c}");
    }
    // The vocabulary has no duplicates.
    let mut v = WEAPON_CATEGORIES.to_vec();
    v.sort_unstable();
    v.dedup();
    assert_eq!(v.len(), WEAPON_CATEGORIES.len());
}

#[test]
fn storms_people_and_old_rating_styles_are_not_weapons() {
    for text in [
        "Typhoon Haiyan hit the Philippines and the navy sent ships to help.",
        "Tornado Alley saw storms as troops helped clear roads.",
        "Senator Bill Bradley said defense spending would rise.",
        "Moody's Investors Service Inc said it lowered to B-2 from B-1 the company's \
         subordinated debentures.",
        "Standard and Poor's Corp said it cut the preferred stock to B-3.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
    assert_eq!(
        names("RAF Typhoon jets intercepted the Russian bombers."),
        vec!["Eurofighter Typhoon"]
    );
}

#[test]
fn ambiguous_names_that_continue_into_a_persons_or_clubs_name_are_not_weapons() {
    for text in [
        "Derby County's defence held firm in the war of attrition.",
        "Spike Lee's new war film opened with a battle scene.",
        "AC Milan's defence and attack were poor, the coach said.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
    assert_eq!(
        names("The navy fired a Harpoon Block II missile."),
        vec!["Harpoon"]
    );
}
