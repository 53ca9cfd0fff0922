//! What happened, who did it and how many died: the words of a sentence that set ACLED's event
//! type and sub-type, the actors named, and the fatality figure (ACLED's lowest-figure rule).
//!
//! Rules, in the order they win when several apply to one incident: suicide bomb; armed clash
//! (a clash, or an attack on soldiers, police, a checkpoint or a patrol); air/drone strike (but
//! strikes on weapons caches are disrupted weapons use); remote explosive/IED; shelling; attack
//! on civilians (an attack on anyone else, a killing); abduction; arrests; disrupted weapons use
//! (weapons seized, caches destroyed, devices dismantled); a generic explosion.
//!
//! A word is not a cue when a plan, a prevention or a negation stands just before it (`كانت
//! تخطط لشن`, `to prevent attacks`), and plural nouns (`هجمات`, `attacks`) describe a trend,
//! not an incident. A sentence about a visit, a meeting, joining an alliance, a signature or
//! "the majority of" something is background and has no cues at all.

use super::text::Tok;
use crate::gazetteer::normalize::{strip_arabic_article, Script};

/// Kinds of event words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cue {
    Suicide,
    Clash,
    AirStrike,
    Ied,
    Shelling,
    Attack,
    Kill,
    Abduction,
    Arrest,
    /// a security operation or raid: arrests unless something stronger is said
    Operation,
    Seizure,
    /// weapons depots or caches (with a strike: disrupted weapons use)
    Cache,
    Explosion,
    /// the attack's target is soldiers, police, a checkpoint, a patrol
    MilitaryTarget,
    /// the target or the dead are civilians
    CivilianTarget,
    /// people rallied, demonstrated, held a sit-in
    Protest,
    /// an attack foiled or thwarted before it went off
    Foiled,
}

/// A cue and the words that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct CueHit {
    pub cue: Cue,
    pub first: usize,
    pub end: usize,
}

/// (words, cue); a word ending in `*` matches any word starting so (Latin only).
type Rule = (&'static [&'static str], Cue);

const RULES: &[Rule] = &[
    // Arabic (normalised: ة → ه, أ → ا, ى → ي; article and clitics are tried off)
    (&["انتحاري"], Cue::Suicide),
    (&["انتحاريه"], Cue::Suicide),
    (&["فجر", "نفسه"], Cue::Suicide),
    (&["يفجر", "نفسه"], Cue::Suicide),
    (&["ستره", "ناسفه"], Cue::Suicide),
    (&["حزام", "ناسف"], Cue::Suicide),
    (&["اشتباك"], Cue::Clash),
    (&["اشتباكات"], Cue::Clash),
    (&["اشتبك"], Cue::Clash),
    (&["اشتبكت"], Cue::Clash),
    (&["معارك"], Cue::Clash),
    (&["تبادل", "لاطلاق", "النار"], Cue::Clash),
    (&["غاره"], Cue::AirStrike),
    (&["غارات"], Cue::AirStrike),
    (&["قصف", "جوي"], Cue::AirStrike),
    (&["طايره", "مسيره"], Cue::AirStrike),
    (&["مسيره"], Cue::AirStrike),
    (&["ضربه", "جويه"], Cue::AirStrike),
    (&["عبوه", "ناسفه"], Cue::Ied),
    (&["لغم"], Cue::Ied),
    (&["سياره", "مفخخه"], Cue::Ied),
    (&["دراجه", "مفخخه"], Cue::Ied),
    (&["قصف", "مدفعي"], Cue::Shelling),
    (&["قصف", "صاروخي"], Cue::Shelling),
    (&["قصفت"], Cue::Shelling),
    (&["قصف"], Cue::Shelling),
    (&["صاروخ"], Cue::Shelling),
    (&["صواريخ"], Cue::Shelling),
    (&["قذايف"], Cue::Shelling),
    (&["هجوم"], Cue::Attack),
    (&["هجوما"], Cue::Attack),
    (&["هاجم"], Cue::Attack),
    (&["هاجمت"], Cue::Attack),
    (&["هاجموا"], Cue::Attack),
    (&["كمين"], Cue::Attack),
    (&["استهدف"], Cue::Attack),
    (&["استهدفت"], Cue::Attack),
    (&["اطلق", "النار"], Cue::Attack),
    (&["اطلقوا", "النار"], Cue::Attack),
    (&["اغتيال"], Cue::Attack),
    (&["اغتال"], Cue::Attack),
    (&["اغتالت"], Cue::Attack),
    (&["اغتالوا"], Cue::Attack),
    (&["اعدام"], Cue::Attack),
    (&["قتل"], Cue::Kill),
    (&["مقتل"], Cue::Kill),
    (&["قتلي"], Cue::Kill),
    (&["مصرع"], Cue::Kill),
    (&["استشهد"], Cue::Kill),
    (&["استشهاد"], Cue::Kill),
    (&["استشهدوا"], Cue::Kill),
    (&["مقتولا"], Cue::Kill),
    (&["جثه"], Cue::Kill),
    (&["جثث"], Cue::Kill),
    (&["تحييد"], Cue::Kill),
    (&["خطف"], Cue::Abduction),
    (&["اختطاف"], Cue::Abduction),
    (&["اختطف"], Cue::Abduction),
    (&["اعتقال"], Cue::Arrest),
    (&["اعتقل"], Cue::Arrest),
    (&["اعتقلت"], Cue::Arrest),
    (&["قبض"], Cue::Arrest),
    (&["توقيف"], Cue::Arrest),
    (&["اوقفت"], Cue::Arrest),
    (&["اعتقالات"], Cue::Arrest),
    (&["حمله", "دهم"], Cue::Operation),
    (&["عمليه", "امنيه"], Cue::Operation),
    (&["عمليتين", "امنيتين"], Cue::Operation),
    (&["حمله", "امنيه"], Cue::Operation),
    (&["مداهمه"], Cue::Operation),
    (&["داهمت"], Cue::Operation),
    (&["ضبط"], Cue::Seizure),
    (&["ضبطت"], Cue::Seizure),
    (&["مصادره"], Cue::Seizure),
    (&["صادرت"], Cue::Seizure),
    (&["تفكيك"], Cue::Seizure),
    (&["فككت"], Cue::Seizure),
    (&["فكك"], Cue::Seizure),
    (&["مخازن", "اسلحه"], Cue::Cache),
    (&["مخزن", "اسلحه"], Cue::Cache),
    (&["مستودع", "اسلحه"], Cue::Cache),
    (&["مستودعات", "اسلحه"], Cue::Cache),
    (&["مخبا", "اسلحه"], Cue::Cache),
    (&["تفجير"], Cue::Explosion),
    (&["انفجار"], Cue::Explosion),
    (&["انفجرت"], Cue::Explosion),
    (&["انفجر"], Cue::Explosion),
    (&["جيش"], Cue::MilitaryTarget),
    (&["عنصرين"], Cue::MilitaryTarget),
    (&["عناصر"], Cue::MilitaryTarget),
    (&["جنود"], Cue::MilitaryTarget),
    (&["جنديين"], Cue::MilitaryTarget),
    (&["حاجز"], Cue::MilitaryTarget),
    (&["دوريه"], Cue::MilitaryTarget),
    (&["نقطه", "عسكريه"], Cue::MilitaryTarget),
    (&["مدني"], Cue::CivilianTarget),
    (&["مدنيين"], Cue::CivilianTarget),
    (&["مدنيا"], Cue::CivilianTarget),
    (&["اطفال"], Cue::CivilianTarget),
    (&["كنيسه"], Cue::CivilianTarget),
    (&["مسجد"], Cue::CivilianTarget),
    (&["صهريج"], Cue::CivilianTarget),
    (&["سوق"], Cue::CivilianTarget),
    (&["تظاهر"], Cue::Protest),
    (&["تظاهروا"], Cue::Protest),
    (&["تظاهره"], Cue::Protest),
    (&["تظاهرات"], Cue::Protest),
    (&["مظاهره"], Cue::Protest),
    (&["مظاهرات"], Cue::Protest),
    (&["احتجاج"], Cue::Protest),
    (&["احتجاجات"], Cue::Protest),
    (&["وقفه", "احتجاجيه"], Cue::Protest),
    (&["اعتصام"], Cue::Protest),
    (&["احبط"], Cue::Foiled),
    (&["احبطت"], Cue::Foiled),
    (&["احباط"], Cue::Foiled),
    // English (lower case)
    (&["suicide"], Cue::Suicide),
    (&["blew", "himself"], Cue::Suicide),
    (&["blew", "herself"], Cue::Suicide),
    (&["explosive", "vest"], Cue::Suicide),
    (&["clash*"], Cue::Clash),
    (&["firefight*"], Cue::Clash),
    (&["gunfight*"], Cue::Clash),
    (&["exchange", "of", "fire"], Cue::Clash),
    (&["fighting"], Cue::Clash),
    (&["air", "strike*"], Cue::AirStrike),
    (&["airstrike*"], Cue::AirStrike),
    (&["drone", "strike*"], Cue::AirStrike),
    (&["drone*"], Cue::AirStrike),
    (&["warplanes"], Cue::AirStrike),
    (&["roadside", "bomb"], Cue::Ied),
    (&["ied"], Cue::Ied),
    (&["improvised", "explosive"], Cue::Ied),
    (&["landmine*"], Cue::Ied),
    (&["car", "bomb*"], Cue::Ied),
    (&["shelling"], Cue::Shelling),
    (&["shelled"], Cue::Shelling),
    (&["artillery"], Cue::Shelling),
    (&["mortar"], Cue::Shelling),
    (&["rocket*"], Cue::Shelling),
    (&["missile*"], Cue::Shelling),
    (&["attack"], Cue::Attack),
    (&["attacked"], Cue::Attack),
    (&["ambush*"], Cue::Attack),
    (&["opened", "fire"], Cue::Attack),
    (&["gunmen"], Cue::Attack),
    (&["assassinat*"], Cue::Attack),
    (&["executed"], Cue::Attack),
    (&["targeted"], Cue::Attack),
    (&["killing"], Cue::Kill),
    (&["killed"], Cue::Kill),
    (&["dead"], Cue::Kill),
    (&["died"], Cue::Kill),
    (&["shot", "dead"], Cue::Kill),
    (&["kidnap*"], Cue::Abduction),
    (&["abduct*"], Cue::Abduction),
    (&["arrest*"], Cue::Arrest),
    (&["detained"], Cue::Arrest),
    (&["captured"], Cue::Arrest),
    (&["apprehended"], Cue::Arrest),
    (&["rallied"], Cue::Protest),
    (&["rally"], Cue::Protest),
    (&["protest*"], Cue::Protest),
    (&["demonstrators"], Cue::Protest),
    (&["demonstration*"], Cue::Protest),
    (&["sit-in"], Cue::Protest),
    (&["foil*"], Cue::Foiled),
    (&["thwart*"], Cue::Foiled),
    (&["security", "operation"], Cue::Operation),
    (&["security", "campaign"], Cue::Operation),
    (&["raid"], Cue::Operation),
    (&["raided"], Cue::Operation),
    (&["seiz*"], Cue::Seizure),
    (&["confiscat*"], Cue::Seizure),
    (&["dismantl*"], Cue::Seizure),
    (&["defus*"], Cue::Seizure),
    (&["weapons", "cache*"], Cue::Cache),
    (&["arms", "cache*"], Cue::Cache),
    (&["weapons", "depot*"], Cue::Cache),
    (&["ammunition", "depot*"], Cue::Cache),
    (&["explosion"], Cue::Explosion),
    (&["blast"], Cue::Explosion),
    (&["exploded"], Cue::Explosion),
    (&["detonated"], Cue::Explosion),
    (&["soldier*"], Cue::MilitaryTarget),
    (&["troops"], Cue::MilitaryTarget),
    (&["checkpoint*"], Cue::MilitaryTarget),
    (&["patrol*"], Cue::MilitaryTarget),
    (&["army"], Cue::MilitaryTarget),
    (&["policemen"], Cue::MilitaryTarget),
    (&["civilian*"], Cue::CivilianTarget),
    (&["church"], Cue::CivilianTarget),
    (&["mosque"], Cue::CivilianTarget),
    (&["market"], Cue::CivilianTarget),
    (&["tanker"], Cue::CivilianTarget),
    (&["shepherd*"], Cue::CivilianTarget),
    (&["farmer*"], Cue::CivilianTarget),
];

fn word_matches(t: &Tok, w: &str) -> bool {
    match t.script {
        Script::Latin => match w.strip_suffix('*') {
            Some(prefix) => t.norm.starts_with(prefix),
            None => t.norm == w,
        },
        Script::Arabic => {
            let w = strip_arabic_article(w).0;
            t.stems
                .iter()
                .any(|s| s == w || strip_arabic_article(s).0 == w)
        }
    }
}

/// Words that void a cue standing up to three words after them.
fn voids(t: &Tok) -> bool {
    match t.script {
        Script::Latin => {
            matches!(
                t.norm.as_str(),
                "plan"
                    | "planned"
                    | "planning"
                    | "plans"
                    | "prevent"
                    | "preventing"
                    | "foil"
                    | "would"
                    | "could"
                    | "might"
                    | "not"
                    | "no"
                    | "never"
                    | "threat"
                    | "threatened"
                    | "avoid"
                    | "possible"
                    | "potential"
                    | "future"
                    | "without"
                    | "suspected"
                    | "accused"
                    | "involvement"
                    | "involved"
            ) || t.raw == "may"
        }
        Script::Arabic => [
            "تخطط",
            "يخطط",
            "تخطيط",
            "منع",
            "يمنع",
            "لمنع",
            "لم",
            "لن",
            "تهديد",
            "محتمله",
            "محتمل",
            "لشن",
            "يساهم",
            "دون",
            "عمليات",
            "يشتبه",
            "متهم",
            "متهمين",
            "بدون",
        ]
        .iter()
        .any(|s| t.is(s)),
    }
}

/// Words that make the whole sentence background: a visit, a meeting, an alliance.
fn background(t: &Tok) -> bool {
    match t.script {
        Script::Latin => matches!(
            t.norm.as_str(),
            "visit"
                | "visited"
                | "visiting"
                | "summit"
                | "joined"
                | "joining"
                | "membership"
                | "signed"
                | "majority"
                | "analysts"
                | "analyst"
                | "experts"
                | "estimated"
                | "historically"
                | "meet"
                | "talks"
                | "expected"
        ),
        Script::Arabic => [
            "محادثات",
            "زياره",
            "زار",
            "التقي",
            "اجتماع",
            "قمه",
            "انضمام",
            "توقيع",
            "غالبيه",
            "معظم",
            "خبرا",
            "يقدر",
            "تقدر",
            "المراقبون",
            "مراقبون",
        ]
        .iter()
        .any(|s| t.is(s)),
    }
}

struct RuleIndex {
    /// rules by their first word
    by_first: std::collections::HashMap<&'static str, Vec<usize>>,
    /// rules whose first word is a prefix (`arrest*`)
    prefixed: Vec<usize>,
}

fn rule_index() -> &'static RuleIndex {
    static INDEX: std::sync::OnceLock<RuleIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = RuleIndex {
            by_first: std::collections::HashMap::new(),
            prefixed: Vec::new(),
        };
        for (r, (words, _)) in RULES.iter().enumerate() {
            if words[0].ends_with('*') {
                index.prefixed.push(r);
            } else {
                index.by_first.entry(words[0]).or_default().push(r);
            }
        }
        index
    })
}

/// The cues of a sentence (empty for a background sentence).
pub fn cues(toks: &[Tok]) -> Vec<CueHit> {
    if toks.iter().any(background) {
        return Vec::new();
    }
    let index = rule_index();
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut matched = None;
        let t = &toks[i];
        let candidates = t
            .stems
            .iter()
            .flat_map(|s| {
                let bare = crate::gazetteer::normalize::strip_arabic_article(s).0;
                index.by_first.get(bare).into_iter().chain(
                    (bare != s.as_str())
                        .then(|| index.by_first.get(s.as_str()))
                        .flatten(),
                )
            })
            .flatten()
            .chain(index.prefixed.iter().filter(|&&r| {
                t.script == Script::Latin
                    && RULES[r].0[0]
                        .strip_suffix('*')
                        .is_some_and(|p| t.norm.starts_with(p))
            }));
        for &r in candidates {
            let (words, cue) = &RULES[r];
            let n = words.len();
            if i + n <= toks.len()
                && matched.is_none_or(|(m, _): (usize, Cue)| n > m)
                && words
                    .iter()
                    .zip(&toks[i..i + n])
                    .all(|(w, t)| word_matches(t, w))
            {
                matched = Some((n, *cue));
            }
        }
        if let Some((n, cue)) = matched {
            let voided = (i.saturating_sub(3)..i).any(|j| voids(&toks[j]));
            if !voided {
                out.push(CueHit {
                    cue,
                    first: i,
                    end: i + n,
                });
            }
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

/// True when the cues name something that happened (not only a target or a context word).
pub fn is_event(hits: &[CueHit]) -> bool {
    hits.iter()
        .any(|h| !matches!(h.cue, Cue::MilitaryTarget | Cue::CivilianTarget))
}

/// ACLED (disorder_type, event_type, sub_event_type) from the cues of one incident.
pub fn classify(cues: &[Cue], fatalities: u32) -> (&'static str, &'static str, &'static str) {
    let has = |c: Cue| cues.contains(&c);
    const PV: &str = "Political violence";
    const SD: &str = "Strategic developments";
    const ERV: &str = "Explosions/Remote violence";
    const VAC: &str = "Violence against civilians";
    let attack = has(Cue::Attack) || has(Cue::Kill);
    // a bombing or attack foiled before it went off, nobody killed: ACLED codes the
    // interception, not the attack
    if has(Cue::Foiled) && fatalities == 0 && !has(Cue::Clash) {
        return (SD, SD, "Disrupted weapons use");
    }
    // a rally with no violence in it; arrests at it are an intervention
    let violent = [
        Cue::Suicide,
        Cue::Clash,
        Cue::AirStrike,
        Cue::Ied,
        Cue::Shelling,
        Cue::Explosion,
        Cue::Abduction,
    ];
    if has(Cue::Protest) && !attack && !violent.iter().any(|&c| has(c)) {
        let sub = if has(Cue::Arrest) || has(Cue::Operation) {
            "Protest with intervention"
        } else {
            "Peaceful protest"
        };
        return ("Demonstrations", "Protests", sub);
    }
    if has(Cue::Suicide) {
        return (PV, ERV, "Suicide bomb");
    }
    if has(Cue::Clash) {
        return (PV, "Battles", "Armed clash");
    }
    if has(Cue::AirStrike) {
        if (has(Cue::Cache) || has(Cue::Seizure)) && fatalities == 0 {
            return (SD, SD, "Disrupted weapons use");
        }
        return (PV, ERV, "Air/drone strike");
    }
    let seized = has(Cue::Seizure) || has(Cue::Cache);
    if has(Cue::Ied) && (has(Cue::Explosion) || attack) && !seized {
        return (PV, ERV, "Remote explosive/landmine/IED");
    }
    if has(Cue::Shelling) && !seized {
        return (PV, ERV, "Shelling/artillery/missile attack");
    }
    if attack && has(Cue::MilitaryTarget) && !has(Cue::CivilianTarget) {
        return (PV, "Battles", "Armed clash");
    }
    if attack {
        return (PV, VAC, "Attack");
    }
    if has(Cue::Abduction) {
        return (PV, VAC, "Abduction/forced disappearance");
    }
    if has(Cue::Arrest) || has(Cue::Operation) {
        return (SD, SD, "Arrests");
    }
    if has(Cue::Seizure) || has(Cue::Cache) {
        return (SD, SD, "Disrupted weapons use");
    }
    if has(Cue::Explosion) || has(Cue::Ied) {
        return (PV, ERV, "Remote explosive/landmine/IED");
    }
    (SD, SD, "Other")
}

/// How sure the type is: strong cues say what happened, weak ones (a security operation, an
/// explosion, a target word) only suggest it.
pub fn type_strength(cues: &[Cue]) -> f64 {
    let strong = cues.iter().any(|c| {
        matches!(
            c,
            Cue::Suicide
                | Cue::Clash
                | Cue::AirStrike
                | Cue::Arrest
                | Cue::Seizure
                | Cue::Cache
                | Cue::Kill
                | Cue::Abduction
        )
    });
    if strong {
        1.0
    } else {
        0.6
    }
}

/// An actor and the words that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorHit {
    pub name: &'static str,
    pub first: usize,
    /// a state force (arrests, strikes) rather than an armed group
    pub state: bool,
}

pub const ISLAMIC_STATE: &str = "Islamic State (Syria)";
/// ACLED's actor for people demonstrating in Syria.
pub const PROTESTERS: &str = "Protesters (Syria)";
pub const CIVILIANS: &str = "Civilians (Syria)";

const ACTORS: &[(&[&str], &str, bool)] = &[
    (&["تنظيم", "الدوله"], ISLAMIC_STATE, false),
    (&["الدوله", "الاسلاميه"], ISLAMIC_STATE, false),
    (&["داعش"], ISLAMIC_STATE, false),
    (&["islamic", "state"], ISLAMIC_STATE, false),
    (&["isis"], ISLAMIC_STATE, false),
    (&["isil"], ISLAMIC_STATE, false),
    (&["daesh"], ISLAMIC_STATE, false),
    (&["وزاره", "الداخليه"], POLICE, true),
    (&["الامن", "الداخلي"], POLICE, true),
    (&["الامن", "العام"], POLICE, true),
    (&["قوي", "الامن"], POLICE, true),
    (&["قوات", "الامن"], POLICE, true),
    (&["interior", "ministry"], POLICE, true),
    (&["ministry", "of", "interior"], POLICE, true),
    (&["internal", "security"], POLICE, true),
    (&["general", "security"], POLICE, true),
    (&["security", "forces"], POLICE, true),
    (&["police"], POLICE, true),
    (&["الاستخبارات", "العامه"], INTELLIGENCE, true),
    (&["general", "intelligence"], INTELLIGENCE, true),
    (&["الجيش", "السوري"], ARMY, true),
    (&["الجيش", "العربي", "السوري"], ARMY, true),
    (&["وزاره", "الدفاع"], ARMY, true),
    (&["syrian", "army"], ARMY, true),
    (&["defence", "ministry"], ARMY, true),
    (&["defense", "ministry"], ARMY, true),
    (&["القياده", "المركزيه"], COALITION, true),
    (&["التحالف", "الدولي"], COALITION, true),
    (&["قوات", "التحالف"], COALITION, true),
    (&["الجيش", "الاميركي"], COALITION, true),
    (&["الجيش", "الامريكي"], COALITION, true),
    (&["centcom"], COALITION, true),
    (&["central", "command"], COALITION, true),
    (&["coalition"], COALITION, true),
    (&["us", "forces"], COALITION, true),
    (&["us", "military"], COALITION, true),
    (&["قسد"], SDF, false),
    (&["قوات", "سوريا", "الديمقراطيه"], SDF, false),
    (&["sdf"], SDF, false),
    (&["syrian", "democratic", "forces"], SDF, false),
];

pub const POLICE: &str = "Police Forces of Syria (2024-)";
pub const ARMY: &str = "Military Forces of Syria (2024-)";
pub const INTELLIGENCE: &str = "Intelligence Services of Syria (2024-)";
pub const COALITION: &str = "US-led Coalition";
pub const SDF: &str = "SDF: Syrian Democratic Forces";

/// Actors named in a sentence, in order. `التنظيم` / "the group" alone stands for the Islamic
/// State when the article named it before.
pub fn actors(toks: &[Tok], islamic_state_named: bool) -> Vec<ActorHit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut found = None;
        for (words, name, state) in ACTORS {
            let n = words.len();
            if i + n <= toks.len()
                && words.iter().zip(&toks[i..i + n]).all(|(w, t)| {
                    t.norm == *w || t.stems.iter().any(|s| s == w) || word_matches(t, w)
                })
                && found.is_none_or(|(m, _, _)| n > m)
            {
                found = Some((n, *name, *state));
            }
        }
        // "IS" in capitals (not the verb)
        if found.is_none() && toks[i].raw == "IS" {
            found = Some((1, ISLAMIC_STATE, false));
        }
        if found.is_none()
            && islamic_state_named
            && (toks[i].is("التنظيم") || toks[i].norm == "للتنظيم")
        {
            found = Some((1, ISLAMIC_STATE, false));
        }
        if let Some((n, name, state)) = found {
            out.push(ActorHit {
                name,
                first: i,
                state,
            });
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

/// (actor1, actor2) for an incident of `sub_event_type` from the actors in order of mention.
pub fn roles(
    sub_event_type: &str,
    named: &[ActorHit],
    civilians: bool,
) -> (Option<String>, Option<String>) {
    let first_state = named.iter().find(|a| a.state).map(|a| a.name);
    let first_group = named.iter().find(|a| !a.state).map(|a| a.name);
    let first = named.first().map(|a| a.name);
    let s = |x: Option<&str>| x.map(str::to_string);
    match sub_event_type {
        "Arrests" | "Disrupted weapons use" | "Air/drone strike" => {
            // the state force acts; a group named alone is the target
            (s(first_state), s(first_group))
        }
        "Peaceful protest" | "Protest with intervention" => {
            (Some(PROTESTERS.to_string()), s(first_state))
        }
        "Armed clash" => {
            let a1 = first;
            let a2 = named.iter().map(|a| a.name).find(|n| Some(*n) != a1);
            (s(a1), s(a2))
        }
        _ => {
            let a1 = first_group.or(first_state);
            let a2 = if civilians || a1.is_some() {
                Some(CIVILIANS)
            } else {
                None
            };
            (s(a1), s(a2))
        }
    }
}

const ARABIC_NUMBERS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("اثنين", 2),
    ("اثنان", 2),
    ("ثلاثه", 3),
    ("اربعه", 4),
    ("خمسه", 5),
    ("سته", 6),
    ("سبعه", 7),
    ("ثمانيه", 8),
    ("تسعه", 9),
    ("عشره", 10),
    ("ثلاث", 3),
    ("اربع", 4),
    ("خمس", 5),
    ("ست", 6),
    ("سبع", 7),
    ("ثماني", 8),
    ("تسع", 9),
    ("عشر", 10),
    ("عشرين", 20),
    ("ثلاثين", 30),
];

const LATIN_NUMBERS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
];

/// Nouns in the dual: "two of them" without a number word (عنصرين, شخصين).
const DUALS: &[&str] = &[
    "عنصرين",
    "شخصين",
    "جنديين",
    "طفلين",
    "مدنيين",
    "عنصران",
    "شخصان",
    "جنديان",
    "طفلان",
    "مدنيان",
];
/// Singular nouns right after a killing word: one dead (قتل مدني, مقتل شخص, a civilian).
const SINGULARS: &[&str] = &[
    "مدني",
    "شخص",
    "عنصر",
    "جندي",
    "طفل",
    "امراه",
    "رجل",
    "شاب",
    "مواطن",
    "قيادي",
    "قائد",
    "ضابط",
    "مقاتل",
    "مسؤول",
    "راعي",
    "مزارع",
    "سائق",
    "civilian",
    "man",
    "woman",
    "soldier",
    "child",
    "person",
    "boy",
    "girl",
    "shepherd",
    "farmer",
];

fn number(t: &Tok) -> Option<u32> {
    if let Some(n) = t.number() {
        return (n < 100_000).then_some(n);
    }
    let table = match t.script {
        Script::Latin => LATIN_NUMBERS,
        Script::Arabic => ARABIC_NUMBERS,
    };
    t.stems
        .iter()
        .find_map(|s| table.iter().find(|(w, _)| w == s).map(|(_, v)| *v))
}

fn wounded(t: &Tok) -> bool {
    match t.script {
        Script::Latin => t.norm.starts_with("wound") || t.norm.starts_with("injur"),
        Script::Arabic => ["اصيب", "اصابه", "جرح", "جرحي", "مصابين", "اصابات"]
            .iter()
            .any(|s| t.is(s)),
    }
}

/// A fatality figure of a sentence: the lowest number tied to a killing word, with its words.
pub fn fatalities(toks: &[Tok], hits: &[CueHit]) -> Option<(u32, usize, usize)> {
    let mut best: Option<(u32, usize, usize)> = None;
    for h in hits.iter().filter(|h| h.cue == Cue::Kill) {
        let mut figure = None;
        // a number or a dual within four words after, or eight before ("five people were killed")
        for j in h.end..(h.end + 4).min(toks.len()) {
            if wounded(&toks[j]) {
                break;
            }
            if let Some(n) = number(&toks[j]) {
                // "killed and 7 wounded"
                if toks.get(j + 1).is_some_and(wounded) {
                    break;
                }
                // "30 November" is a date
                if toks
                    .get(j + 1)
                    .is_some_and(|n| n.norm.len() > 2 && is_month_word(n))
                {
                    continue;
                }
                figure = Some((n, h.first, j + 1));
                break;
            }
            if DUALS.iter().any(|d| toks[j].is(d)) {
                figure = Some((2, h.first, j + 1));
                break;
            }
            if j == h.end && SINGULARS.iter().any(|s| toks[j].is(s)) {
                figure = Some((1, h.first, j + 1));
                break;
            }
            // "killed a senior operative", "killing an officer": one
            if j == h.end && matches!(toks[j].norm.as_str(), "a" | "an") {
                figure = Some((1, h.first, j + 1));
                break;
            }
        }
        if figure.is_none() {
            for j in (h.first.saturating_sub(8)..h.first).rev() {
                if wounded(&toks[j]) || j > 0 && wounded(&toks[j - 1]) {
                    break;
                }
                // a day or a year of a date is no figure ("On April 21, two members …")
                let in_date = j > 0 && is_month_word(&toks[j - 1])
                    || toks.get(j + 1).is_some_and(is_month_word)
                    || toks[j].number().is_some_and(|y| (1900..=2100).contains(&y));
                if in_date {
                    continue;
                }
                if let Some(n) = number(&toks[j]) {
                    figure = Some((n, j, h.end));
                    break;
                }
                // "a civilian was killed"
                if SINGULARS.iter().any(|s| toks[j].is(s))
                    && j > 0
                    && matches!(toks[j - 1].norm.as_str(), "a" | "an")
                {
                    figure = Some((1, j - 1, h.end));
                    break;
                }
            }
        }
        if let Some(f) = figure {
            if best.is_none_or(|b| f.0 < b.0) {
                best = Some(f);
            }
        }
    }
    // an assassination or someone "shot dead" with no figure: one person killed
    best.or_else(|| {
        hits.iter()
            .find(|h| {
                toks[h.first..h.end].iter().any(|t| {
                    ["اغتال", "اغتالت", "اغتالوا", "اغتيال"]
                        .iter()
                        .any(|w| t.is(w))
                        || t.norm.starts_with("assassinat")
                }) || h.cue == Cue::Kill && toks[h.first].norm == "shot"
            })
            .map(|h| (1, h.first, h.end))
    })
}

fn is_month_word(t: &Tok) -> bool {
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
        "كانون",
        "شباط",
        "اذار",
        "نيسان",
        "ايار",
        "حزيران",
        "تموز",
        "ايلول",
        "تشرين",
    ]
    .iter()
    .any(|m| t.norm == *m || t.is(m))
}

/// The sentence goes on about what the previous one reported: a reporting verb opens it
/// (`وأشار`, `وأوضح`, `ووفقا`, "He said", "According to") or it points back (`هذه العمليات`,
/// `الاشتباك`, "the attack", "these sites").
pub fn continues(toks: &[Tok]) -> bool {
    let Some(first) = toks.first() else {
        return false;
    };
    let opener = match first.script {
        Script::Arabic => [
            "اشار",
            "اضاف",
            "اوضح",
            "اوضحت",
            "اكد",
            "اكدت",
            "ذكر",
            "ذكرت",
            "تابع",
            "قال",
            "قالت",
            "وفقا",
            "بحسب",
            "حسب",
            "افاد",
            "افادت",
            "اسفرت",
            "اسفر",
            "جرت",
            "جري",
            "نقل",
            "نقلت",
        ]
        .iter()
        .any(|s| first.is(s)),
        Script::Latin => matches!(
            first.norm.as_str(),
            "he" | "she" | "they" | "it" | "according" | "officials" | "its" | "their"
        ),
    };
    if opener {
        return true;
    }
    let pointer = |t: &Tok| match t.script {
        Script::Arabic => ["هذه", "هذا", "ذلك", "تلك", "هولا"].iter().any(|s| t.is(s)),
        Script::Latin => matches!(t.norm.as_str(), "this" | "these" | "that" | "those"),
    };
    // "this week", "هذا العام": a time, not something said before
    let time = |t: &Tok| match t.script {
        Script::Arabic => ["اسبوع", "عام", "شهر", "يوم", "صباح", "مساء", "سنه"]
            .iter()
            .any(|s| t.is(s)),
        Script::Latin => matches!(
            t.norm.as_str(),
            "week" | "month" | "year" | "morning" | "evening" | "afternoon" | "weekend" | "time"
        ),
    };
    let back_noun = |t: &Tok| match t.script {
        Script::Arabic => [
            "العمليه",
            "العمليات",
            "الاشتباك",
            "الهجوم",
            "الانفجار",
            "الخليه",
            "المواقع",
            "الغارات",
            "التفجير",
            "الحادثه",
        ]
        .iter()
        .any(|s| t.norm == *s || t.stems.iter().any(|x| x == s)),
        Script::Latin => matches!(
            t.norm.as_str(),
            "attack"
                | "operation"
                | "operations"
                | "raid"
                | "blast"
                | "explosion"
                | "strike"
                | "strikes"
                | "clash"
                | "clashes"
                | "cell"
                | "sites"
                | "bombing"
                | "assault"
        ),
    };
    toks.iter().take(6).enumerate().any(|(k, t)| {
        back_noun(t)
            && (t.script == Script::Arabic
                || k > 0 && (pointer(&toks[k - 1]) || toks[k - 1].norm == "the"))
    }) || toks
        .iter()
        .take(4)
        .enumerate()
        .any(|(k, t)| pointer(t) && !toks.get(k + 1).is_some_and(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::words;

    fn kinds(text: &str) -> Vec<Cue> {
        let toks = words(text, 0, text.len());
        cues(&toks).into_iter().map(|h| h.cue).collect()
    }

    fn sub(text: &str) -> &'static str {
        let toks = words(text, 0, text.len());
        let hits = cues(&toks);
        let f = fatalities(&toks, &hits).map(|f| f.0).unwrap_or(0);
        let c: Vec<Cue> = hits.iter().map(|h| h.cue).collect();
        classify(&c, f).2
    }

    #[test]
    fn event_types_from_words() {
        assert_eq!(sub("أعلنت الوزارة عن إلقاء القبض على خلية"), "Arrests");
        assert_eq!(sub("Police arrested three men"), "Arrests");
        assert_eq!(sub("فجر انتحاري نفسه بواسطة سترة ناسفة"), "Suicide bomb");
        assert_eq!(sub("a suicide bomber struck"), "Suicide bomb");
        assert_eq!(sub("غارة جوية استهدفت"), "Air/drone strike");
        assert_eq!(sub("a drone strike killed two"), "Air/drone strike");
        assert_eq!(
            sub("انفجار عبوة ناسفة بسيارة"),
            "Remote explosive/landmine/IED"
        );
        assert_eq!(
            sub("a roadside bomb exploded"),
            "Remote explosive/landmine/IED"
        );
        assert_eq!(sub("هجوم استهدف عنصرين من الجيش السوري"), "Armed clash");
        assert_eq!(sub("gunmen attacked a checkpoint"), "Armed clash");
        assert_eq!(sub("هجوما على صهريج نفطي"), "Attack");
        assert_eq!(sub("gunmen killing five civilians"), "Attack");
        assert_eq!(sub("ضبط أسلحة وذخائر"), "Disrupted weapons use");
        assert_eq!(
            sub("air strikes destroyed weapons caches"),
            "Disrupted weapons use"
        );
    }

    #[test]
    fn plans_and_background_are_not_events() {
        assert!(kinds("كانت تخطط لشن هجوم").is_empty());
        assert!(kinds("to prevent an attack").is_empty());
        assert!(kinds("خلال الزيارة التاريخية إلى واشنطن حيث قتل").is_empty());
        let text = "هجمات متفرقة تستهدف الجيش";
        assert!(!is_event(&cues(&words(text, 0, text.len()))));
    }

    #[test]
    fn fatality_figures() {
        let f = |text: &str| {
            let toks = words(text, 0, text.len());
            fatalities(&toks, &cues(&toks)).map(|f| f.0)
        };
        assert_eq!(f("قُتل 22 شخصًا وأصيب العشرات"), Some(22));
        assert_eq!(f("تحييد اثنين منهما"), Some(2));
        assert_eq!(f("killing five civilians"), Some(5));
        assert_eq!(f("قتل مدني ودفنه"), Some(1));
        assert_eq!(f("a civilian was killed"), Some(1));
        assert_eq!(f("at least 3 people were killed and 7 wounded"), Some(3));
        assert_eq!(f("wounded 12 and killed"), None);
        assert_eq!(f("مقتل عنصرين"), Some(2));
    }

    #[test]
    fn actors_in_order() {
        let text = "أعلن تنظيم الدولة مسؤوليته عن هجوم استهدف عنصرين من الجيش السوري";
        let toks = words(text, 0, text.len());
        let a = actors(&toks, false);
        assert_eq!(a[0].name, ISLAMIC_STATE);
        assert_eq!(a[1].name, ARMY);
        let (a1, a2) = roles("Armed clash", &a, false);
        assert_eq!(a1.as_deref(), Some(ISLAMIC_STATE));
        assert_eq!(a2.as_deref(), Some(ARMY));
    }
}
