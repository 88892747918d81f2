//! Every disambiguation trap named in issue 4, each with the country reading beside it, so a
//! rule that simply drops the name fails too.

use std::sync::OnceLock;

use newswire_enrich::countries::CountryMatcher;
use newswire_model::{CountryTag, MentionKind};

fn matcher() -> &'static CountryMatcher {
    static M: OnceLock<CountryMatcher> = OnceLock::new();
    M.get_or_init(CountryMatcher::new)
}

fn tags(body: &str) -> Vec<CountryTag> {
    matcher().extract("", body)
}

fn codes(body: &str) -> Vec<String> {
    let mut c: Vec<String> = tags(body).into_iter().map(|t| t.code).collect();
    c.sort();
    c
}

#[track_caller]
fn assert_codes(body: &str, expected: &[&str]) {
    assert_eq!(codes(body), expected, "in: {body}");
}

#[test]
fn georgia_the_us_state() {
    assert_codes(
        "Georgia Gov. Brian Kemp signed the bill in Atlanta on Tuesday.",
        &["US"],
    );
    assert_codes(
        "Flooding hit Savannah, Ga., and much of coastal Georgia.",
        &["US"],
    );
    assert_codes(
        "The Georgia state senator said the county would recount ballots.",
        &["US"],
    );
    let t = tags("Georgia Gov. Brian Kemp spoke.");
    assert_eq!(t[0].mentions[0].text, "Georgia");
    assert_eq!(t[0].mentions[0].kind, MentionKind::City);
}

#[test]
fn georgia_the_country() {
    assert_codes("Georgia's parliament in Tbilisi passed the law.", &["GE"]);
    assert_codes(
        "Georgian Dream won the vote in Georgia, the Caucasus nation.",
        &["GE"],
    );
}

#[test]
fn jordan_and_chad_as_peoples_names() {
    assert_codes(
        "Michael Jordan scored 38 points. Jordan later retired.",
        &[],
    );
    assert_codes("Chad Smith played the drums.", &[]);
    assert_codes("Jordan Peterson spoke for an hour.", &[]);
    // A first name does not carry over: later "Israel" is the country.
    assert_codes(
        "Defence Minister Israel Katz said Israel would respond.",
        &["IL"],
    );
    // The countries themselves.
    assert_codes(
        "King Abdullah of Jordan met the president of Chad.",
        &["JO", "TD"],
    );
    assert_codes(
        "Jordan and Egypt warned Israel on Monday.",
        &["EG", "IL", "JO"],
    );
    assert_codes("Troops from Chad crossed into Sudan.", &["SD", "TD"]);
}

#[test]
fn washington_state_george_and_the_post() {
    let t = tags("Fires raged in eastern Washington state near Spokane.");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].code, "US");
    assert!(t[0].mentions.iter().all(|m| m.kind == MentionKind::City));
    assert_codes("George Washington crossed the river.", &[]);
    assert_codes("The Washington Post reported the leak.", &[]);
    assert_codes("Denzel Washington won an award.", &[]);
    let t = tags("Washington warned Tehran on Friday.");
    assert_eq!(
        t.iter().map(|t| t.code.as_str()).collect::<Vec<_>>().len(),
        2
    );
    let us = t.iter().find(|t| t.code == "US").unwrap();
    assert_eq!(us.mentions[0].kind, MentionKind::Capital);
}

#[test]
fn china_the_porcelain() {
    assert_codes(
        "She inherited her grandmother's fine china and silver.",
        &[],
    );
    assert_codes("Bone China from Staffordshire sold well.", &[]);
    assert_codes("The China cabinet was made of oak.", &[]);
    assert_codes("China said exports rose.", &["CN"]);
    assert_codes("Fine words from China did not help.", &["CN"]);
}

#[test]
fn turkey_the_bird() {
    assert_codes("We roasted a turkey for the holiday.", &[]);
    assert_codes("Turkey prices rose ahead of Thanksgiving dinner.", &[]);
    assert_codes("A Turkey sandwich costs $9.", &[]);
    assert_codes("Turkey bought the S-400 from Russia.", &["RU", "TR"]);
    assert_codes(
        "Turkey's parliament approved the bill on Thanksgiving day.",
        &["TR"],
    );
}

#[test]
fn guinea_pig() {
    assert_codes("The volunteers felt like guinea pigs.", &[]);
    assert_codes("Guinea pigs were used in the trial.", &[]);
    assert_codes("Guinea's junta set a referendum.", &["GN"]);
}

#[test]
fn us_states_and_the_indian_ocean() {
    assert_codes("New Mexico declared a drought emergency.", &["US"]);
    assert_codes("Commuters in New Jersey returned to work.", &["US"]);
    assert_codes("Indiana lawmakers passed a budget.", &["US"]);
    assert_codes("A cyclone formed in the Indian Ocean.", &[]);
    assert_codes("Mexico and India signed a deal.", &["IN", "MX"]);
    assert_codes("Indian and Mexican officials met.", &["IN", "MX"]);
}

#[test]
fn congo_kinshasa_and_brazzaville() {
    assert_codes(
        "Fighting in eastern Congo near Goma displaced thousands.",
        &["CD"],
    );
    assert_codes("Congo's president in Brazzaville won a new term.", &["CG"]);
    assert_codes("The Republic of the Congo exports oil.", &["CG"]);
    assert_codes(
        "The Democratic Republic of the Congo exports cobalt.",
        &["CD"],
    );
    assert_codes(
        "DRC troops and Congo-Brazzaville police met.",
        &["CD", "CG"],
    );
    assert_codes("Congolese soldiers fought M23 near Goma.", &["CD"]);
}

#[test]
fn korea_south_unless_north() {
    assert_codes("Korea's exports rose in May, Seoul said.", &["KR"]);
    assert_codes("Korea's chipmakers posted record sales.", &["KR"]);
    assert_codes("Pyongyang said the Korean situation was tense.", &["KP"]);
    assert_codes(
        "North Korea fired a missile; South Korea protested.",
        &["KP", "KR"],
    );
    assert_codes("The DPRK condemned the drills.", &["KP"]);
}

#[test]
fn northern_ireland_is_gb() {
    assert_codes("Northern Ireland's assembly met in Belfast.", &["GB"]);
    assert_codes("Northern Irish and Irish leaders met.", &["GB", "IE"]);
    assert_codes("The Republic of Ireland voted.", &["IE"]);
}

#[test]
fn republic_of_china_is_taiwan() {
    assert_codes("The Republic of China marked its national day.", &["TW"]);
    assert_codes("The People's Republic of China protested.", &["CN"]);
    assert_codes("The People’s Republic of China protested.", &["CN"]);
}

#[test]
fn jersey_and_guernsey_are_crown_dependencies() {
    assert_codes("Jersey voted to legalise assisted dying.", &["JE"]);
    assert_codes("Guernsey's finance sector grew.", &["GG"]);
    assert_codes("Jersey City and the Jersey Shore flooded.", &[]);
    assert_codes("He sold his signed jersey.", &[]);
    assert_codes("Guernsey cows graze on the island.", &[]);
}

#[test]
fn places_elsewhere() {
    assert_codes("A museum in Paris, Texas, reopened.", &["US"]);
    assert_codes("Moscow, Idaho, mourned the students.", &["US"]);
    assert_codes("Tripoli, Lebanon, saw clashes.", &["LB"]);
    assert_codes("Paris said it would send troops.", &["FR"]);
}

#[test]
fn brussels_as_the_eu() {
    assert_codes("Brussels proposed new sanctions, the EU said.", &[]);
    assert_codes("EU ministers met in Brussels.", &["BE"]);
    assert_codes(
        "Belgium's government in Brussels fell; Brussels said the EU would help.",
        &["BE"],
    );
}

#[test]
fn pronoun_us_in_capitals() {
    assert_codes("PLEASE LET US KNOW WHAT YOU THINK OF THE SHOW", &[]);
    assert_codes("The US and UK agreed.", &["GB", "US"]);
    assert_codes("Let us know what you think.", &[]);
}

#[test]
fn given_names_in_people_contexts() {
    // A given name seen once in a full name stays a name when used alone...
    assert_codes(
        "Jordan Henderson captained England. Jordan said the team would fight.",
        &["GB"],
    );
    assert_codes(
        "Chad Daybell went on trial in Idaho. Prosecutors say Chad killed his wife.",
        &["US"],
    );
    // ... and after a word for a relative, friend or role.
    assert_codes("She thanked her friend Jordan and her son Israel.", &[]);
    // The countries themselves, named another way, are kept.
    assert_codes(
        "Israel Katz spoke in Jerusalem. Israel will respond, the Israeli minister said.",
        &["IL"],
    );
    assert_codes(
        "Troops from Chad and Niger crossed into Mali.",
        &["ML", "NE", "TD"],
    );
}

#[test]
fn a_place_named_only_in_the_title_is_not_primary() {
    let t = matcher().extract(
        "Russian and Chinese warships hold joint patrol near Japan",
        "Russian and Chinese warships held their first joint patrol in the western Pacific, \
         the Russian defence ministry said.",
    );
    let jp = t
        .iter()
        .find(|c| c.code == "JP")
        .expect("Japan is mentioned");
    assert!(!jp.primary, "{t:?}");
    assert!(t
        .iter()
        .filter(|c| c.primary)
        .all(|c| c.code == "RU" || c.code == "CN"));
    // Named as the subject of the title, the country is primary.
    let t = matcher().extract("Japan protests joint patrol", "Tokyo lodged a protest.");
    assert!(t.iter().any(|c| c.code == "JP" && c.primary));
}

#[test]
fn the_host_city_of_talks_does_not_outrank_the_parties() {
    let t = matcher().extract(
        "Iran and Saudi Arabia agree to restore ties after talks in Beijing",
        "Iran and Saudi Arabia agreed to restore relations after talks in Beijing, state media \
         said. Tehran and Riyadh will reopen embassies within two months.",
    );
    let rank = |c: &str| t.iter().position(|x| x.code == c).unwrap();
    assert!(rank("IR") < rank("CN") && rank("SA") < rank("CN"), "{t:?}");
}

#[test]
fn ship_classes_named_after_places_are_not_the_places() {
    assert_codes(
        "Australia will buy Virginia-class submarines and a Kolkata-class destroyer visited.",
        &["AU"],
    );
}
