//! ACLED's event taxonomy (codebook 2023+): disorder type → event type → sub-event type.
//!
//! Used to validate curated and imported records and the `event_type` filter, so that the
//! names analysts merge on are exactly ACLED's.

/// (event_type, disorder_type, sub_event_types)
pub const EVENT_TYPES: &[(&str, &str, &[&str])] = &[
    (
        "Battles",
        "Political violence",
        &[
            "Armed clash",
            "Government regains territory",
            "Non-state actor overtakes territory",
        ],
    ),
    (
        "Explosions/Remote violence",
        "Political violence",
        &[
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ],
    ),
    (
        "Violence against civilians",
        "Political violence",
        &[
            "Sexual violence",
            "Attack",
            "Abduction/forced disappearance",
        ],
    ),
    (
        "Protests",
        "Demonstrations",
        &[
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
        ],
    ),
    (
        "Riots",
        "Demonstrations",
        &["Violent demonstration", "Mob violence"],
    ),
    (
        "Strategic developments",
        "Strategic developments",
        &[
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ],
    ),
];

/// Disorder types as ACLED writes them; some sub-events straddle two.
pub const DISORDER_TYPES: &[&str] = &[
    "Political violence",
    "Demonstrations",
    "Strategic developments",
    "Political violence; Demonstrations",
];

/// The canonical spelling of an event type, matched case-insensitively.
pub fn canonical_event_type(name: &str) -> Option<&'static str> {
    let name = name.trim();
    EVENT_TYPES
        .iter()
        .map(|(t, _, _)| *t)
        .find(|t| t.eq_ignore_ascii_case(name))
}

/// All event type names, for error messages.
pub fn event_type_names() -> Vec<&'static str> {
    EVENT_TYPES.iter().map(|(t, _, _)| *t).collect()
}

/// Checks that `sub_event_type` belongs to `event_type` and that `disorder_type` is one of
/// ACLED's; returns a sentence saying what is wrong otherwise.
pub fn check(disorder_type: &str, event_type: &str, sub_event_type: &str) -> Result<(), String> {
    let Some((_, _, subs)) = EVENT_TYPES.iter().find(|(t, _, _)| *t == event_type) else {
        return Err(format!(
            "unknown event_type {event_type:?}; allowed: {}",
            event_type_names().join(", ")
        ));
    };
    if !subs.contains(&sub_event_type) {
        return Err(format!(
            "sub_event_type {sub_event_type:?} is not one of {event_type}'s: {}",
            subs.join(", ")
        ));
    }
    if !DISORDER_TYPES.contains(&disorder_type) {
        return Err(format!(
            "unknown disorder_type {disorder_type:?}; allowed: {}",
            DISORDER_TYPES.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_ignore_case() {
        assert_eq!(canonical_event_type("battles"), Some("Battles"));
        assert_eq!(
            canonical_event_type(" explosions/remote VIOLENCE "),
            Some("Explosions/Remote violence")
        );
        assert_eq!(canonical_event_type("Bombing"), None);
    }

    #[test]
    fn check_rejects_mismatched_sub_event() {
        assert!(check("Political violence", "Battles", "Armed clash").is_ok());
        let err = check("Political violence", "Battles", "Suicide bomb").unwrap_err();
        assert!(err.contains("Armed clash"), "{err}");
        assert!(check("War", "Battles", "Armed clash").is_err());
    }
}
