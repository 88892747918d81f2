//! Article-level discourse: a side a sentence leaves unnamed ("The measures target ...",
//! "It also blacklisted ...", "Those designated include ...") is the actor last named in that
//! role in the article, as a reader resolves it.

use newswire_model::SanctionAction;

use super::Draft;

/// The actors last named as imposer and as target in the article so far.
#[derive(Debug, Default)]
pub(super) struct Memory {
    imposers: Vec<String>,
    targets: Vec<String>,
}

impl Memory {
    /// Fills the unnamed sides of `d` from what was read before. For evade the remembered
    /// imposers are whose sanctions and the remembered targets who evades them; for oppose only
    /// the target of the sanctions in question is filled (the opposer must be named).
    pub(super) fn fill(&self, d: &mut Draft) {
        let oppose = d.action == SanctionAction::Oppose;
        if !oppose && d.imposers.is_empty() && !self.imposers.iter().any(|c| d.targets.contains(c))
        {
            d.imposers = self.imposers.clone();
        }
        // An opposer may be the target itself ("China rejects sanctions on its companies").
        let swapped = !oppose && self.targets.iter().any(|c| d.imposers.contains(c));
        if d.targets.is_empty() && !swapped {
            d.targets = self.targets.clone();
        }
    }

    /// An oppose event whose sanctions are named only later in the article ("China opposes
    /// illegal unilateral sanctions ... Washington is preparing sanctions on Chinese firms")
    /// takes the targets of the next impose or threaten event.
    pub(super) fn forward_oppose_targets(drafts: &mut [Draft]) {
        for i in 0..drafts.len() {
            if drafts[i].action != SanctionAction::Oppose || !drafts[i].targets.is_empty() {
                continue;
            }
            let later = drafts[i + 1..].iter().find(|d| {
                matches!(d.action, SanctionAction::Impose | SanctionAction::Threaten)
                    && !d.targets.is_empty()
            });
            if let Some(t) = later.map(|d| d.targets.clone()) {
                drafts[i].targets = t;
            }
        }
    }

    /// "Mali's junta denounced the ECOWAS sanctions": when a state opposes a regime in force
    /// whose owner the sentence names but whose target neither it nor the article before it
    /// names, it protests sanctions on itself -- it is the target of both. Run after
    /// [`Self::fill`], so that a target named before wins.
    /// Returns whether a target was given.
    pub(super) fn self_targeted(found: &mut [Draft]) -> bool {
        let mut given = false;
        // A regime in force: a member vetoing a bloc's planned package is not its target.
        let regime = |d: &Draft| {
            d.action == SanctionAction::Impose && d.targets.is_empty() && !d.imposers.is_empty()
        };
        // Blocs are not sanctioned states: "the General Assembly condemned the US embargo".
        let bloc = |c: &String| c.len() != 2 || c == "EU" || c == "UN";
        for i in 0..found.len() {
            let d = &found[i];
            if d.action != SanctionAction::Oppose
                || d.outsider
                || !d.targets.is_empty()
                || d.imposers.is_empty()
                || d.imposers.iter().any(bloc)
            {
                continue;
            }
            let opposers = d.imposers.clone();
            let Some(j) = (0..found.len()).find(|&j| {
                regime(&found[j]) && found[j].imposers.iter().all(|c| !opposers.contains(c))
            }) else {
                continue;
            };
            found[i].targets = opposers.clone();
            found[j].targets = opposers;
            given = true;
        }
        given
    }

    /// Remembers the sides `d` names.
    pub(super) fn remember(&mut self, d: &Draft) {
        if d.action == SanctionAction::Evade || d.action == SanctionAction::Oppose {
            return;
        }
        if !d.imposers.is_empty() {
            self.imposers = d.imposers.clone();
        }
        if !d.targets.is_empty() {
            self.targets = d.targets.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newswire_model::{Evidence, Field};

    fn draft(imp: &[&str], tgt: &[&str], action: SanctionAction) -> Draft {
        let evidence = Evidence {
            field: Field::Body,
            start: 0,
            end: 0,
        };
        Draft {
            imposers: imp.iter().map(|s| s.to_string()).collect(),
            targets: tgt.iter().map(|s| s.to_string()).collect(),
            action,
            negated: false,
            sectors: Vec::new(),
            programs: Vec::new(),
            region: (0, 0),
            evidence,
            target_entities: Vec::new(),
            outsider: false,
        }
    }

    #[test]
    fn an_unnamed_imposer_is_the_last_one_named() {
        let mut m = Memory::default();
        m.remember(&draft(&["US"], &["IR"], SanctionAction::Impose));
        let mut d = draft(&[], &["SY"], SanctionAction::Impose);
        m.fill(&mut d);
        assert_eq!(d.imposers, vec!["US"]);
        let mut t = draft(&["US"], &[], SanctionAction::Lift);
        m.fill(&mut t);
        assert_eq!(t.targets, vec!["IR"]);
    }

    #[test]
    fn the_roles_are_not_swapped_into_each_other() {
        let mut m = Memory::default();
        m.remember(&draft(&["US"], &["RU"], SanctionAction::Impose));
        // "Russia retaliated with bans": RU imposes; the remembered target US is not taken.
        let mut d = draft(&["RU"], &[], SanctionAction::Impose);
        m.fill(&mut d);
        assert!(d.targets.is_empty());
    }

    #[test]
    fn an_oppose_without_target_takes_the_next_regime_s_targets() {
        let mut d = vec![
            draft(&["CN"], &[], SanctionAction::Oppose),
            draft(&["US"], &["CN"], SanctionAction::Threaten),
        ];
        Memory::forward_oppose_targets(&mut d);
        assert_eq!(d[0].targets, vec!["CN"]);
    }

    #[test]
    fn an_opposer_of_a_regime_with_no_target_is_its_target() {
        let mut d = vec![
            draft(&["ML"], &[], SanctionAction::Oppose),
            draft(&["ECOWAS"], &[], SanctionAction::Impose),
        ];
        assert!(Memory::self_targeted(&mut d));
        assert_eq!(d[0].targets, vec!["ML"]);
        assert_eq!(d[1].targets, vec!["ML"]);
        // Nor for a state that stays out of the regime.
        let mut o = vec![
            draft(&["IN"], &[], SanctionAction::Oppose),
            draft(&["WEST"], &[], SanctionAction::Impose),
        ];
        o[0].outsider = true;
        assert!(!Memory::self_targeted(&mut o));
        // Without a regime in the sentence the target stays unnamed.
        let mut e = vec![draft(&["VE"], &[], SanctionAction::Oppose)];
        assert!(!Memory::self_targeted(&mut e));
        assert!(e[0].targets.is_empty());
    }

    #[test]
    fn an_opposer_is_never_taken_from_memory() {
        let mut m = Memory::default();
        m.remember(&draft(&["US"], &["RU"], SanctionAction::Impose));
        let mut d = draft(&[], &[], SanctionAction::Oppose);
        m.fill(&mut d);
        assert!(d.imposers.is_empty());
        assert_eq!(d.targets, vec!["RU"]);
        let mut e = draft(&[], &["KG"], SanctionAction::Evade);
        m.fill(&mut e);
        assert_eq!(e.imposers, vec!["US"]);
    }
}
