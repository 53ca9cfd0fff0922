//! Reading an article: from Arabic or English text to proposed incidents with their evidence,
//! by rules and the gazetteer only (no network, no models).
//!
//! - `text`: sentences and words (Arabic and Latin punctuation);
//! - `dates`: date phrases, spans, vague phrases and ACLED's time_precision;
//! - `places`: place phrases with the words around them, resolved by the geocoder;
//! - `events`: event type words, actors, fatality figures, and what is not an incident;
//! - `ingest`: the article's id, incident ids, likely duplicates and the answer;
//! - `eval`: extraction compared with a hand-curated gold file.
//!
//! How sentences become incidents: a sentence with event words and a located place in Syria
//! proposes one incident per place. A sentence that goes on about the previous one (a reporting
//! verb opens it, or it points back: `وأشار إلى أن الاشتباك`, "the attack") adds its words,
//! figures, date or a more precise place to the incident before it instead of proposing a new
//! one. Event words without a place wait for the next sentence that continues them (`أعلن
//! الجيش … عن تدمير …` then `وأوضحت … أن هذه المواقع كانت تقع في محافظة ريف دمشق`). A date
//! missing from a sentence comes from the sentences just before it in the same paragraph (the
//! evidence says so). No place, no date, or a background sentence (a visit, joining the
//! coalition, figures "since 2014") → no point on the map.
//!
//! Not for: storing (see `incidents::store`) or the HTTP surface (see `http::articles`).

pub mod dates;
pub mod eval;
pub mod events;
pub mod ingest;
pub mod places;
pub mod text;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::gazetteer::Gazetteer;
use crate::incidents::{Incident, Review};
use events::{ActorHit, Cue, CueHit};
use places::{Located, NameTable};
use text::{Sentence, Tok};

/// Longest article text accepted, in bytes.
pub const MAX_ARTICLE_BYTES: usize = 1024 * 1024;
/// At most this many incidents are proposed for one article.
pub const MAX_PROPOSALS: usize = 500;
/// At most this many distinct place phrases are geocoded for one article; the rest are skipped
/// (a real report names a few dozen).
pub const MAX_GEOCODED_PHRASES: usize = 1000;
/// Sentences of one incident are quoted up to about this many bytes.
const MAX_EVIDENCE_BYTES: usize = 4000;
/// Words at the start of a sentence that a dateline may take ("DAMASCUS, March 3 (Reuters)").
const DATELINE_WORDS: usize = 6;
/// How many sentences back a continuing sentence may reach.
const REACH: usize = 2;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExtractError {
    #[error("the article text is empty")]
    Empty,
    #[error("the article text is {0} bytes; at most {MAX_ARTICLE_BYTES} are accepted")]
    TooLarge(usize),
}

/// The gazetteer's names by key, built once and shared.
pub struct Extractor {
    names: NameTable,
}

/// Where the gazetteer put an incident, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlaceEvidence {
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    /// the gazetteer name that matched the phrase
    pub matched_name: String,
    /// geocoder score, 0..1
    pub score: f64,
    pub geo_precision: u8,
    pub admin1: String,
}

/// What an incident was read from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// the sentence(s), as written
    pub sentence: String,
    /// the place phrase as written
    pub place_phrase: String,
    pub place: PlaceEvidence,
    /// the date phrase as written; null when no date was written near the incident
    pub date_phrase: Option<String>,
    /// the date was taken from a sentence before (or the publication date), not this one
    pub date_inferred: bool,
    /// the words that set the event type
    pub type_words: Vec<String>,
    /// the words that gave the fatality figure
    pub fatality_words: Option<String>,
    /// 0..1: how much of the incident was read directly (type words, place, date)
    pub confidence: f64,
    /// the date that relative phrases ("yesterday", "on Tuesday", `مطلع الشهر الجاري`) and
    /// dates without a year count from, and where it came from
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
}

/// A proposed incident: the record (id, source and review set by the caller) and its evidence.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub incident: Incident,
    pub evidence: Evidence,
}

/// A sentence with event words that proposes nothing, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Skipped {
    pub sentence: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub proposals: Vec<Proposal>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone)]
struct DateInfo {
    first: NaiveDate,
    end: Option<NaiveDate>,
    precision: u8,
    phrase: String,
    inferred: bool,
}

#[derive(Debug, Clone)]
struct Draft {
    sentences: Vec<usize>,
    located: Option<Located>,
    date: Option<DateInfo>,
    cues: Vec<Cue>,
    type_words: Vec<String>,
    actors: Vec<ActorHit>,
    fatal: Option<(u32, String)>,
}

struct Analysis {
    located: Vec<Located>,
    date: Option<DateInfo>,
    /// every date of the sentence with its first word
    dates: Vec<(usize, DateInfo)>,
    cues: Vec<CueHit>,
    event: bool,
    actors: Vec<ActorHit>,
    fatal: Option<(u32, String)>,
    continues: bool,
}

/// "the next day", "a day later", "two days later", "في اليوم التالي", "بعد يومين": how many
/// days after the date read before.
fn days_later(toks: &[Tok]) -> Option<i64> {
    let count = |t: &Tok| -> Option<i64> {
        match t.norm.as_str() {
            "a" | "one" => Some(1),
            "two" => Some(2),
            "three" => Some(3),
            _ => t.number().filter(|n| *n <= 31).map(i64::from),
        }
    };
    toks.windows(3).find_map(|w| {
        let (a, b, c) = (&w[0], &w[1], &w[2]);
        if matches!(a.norm.as_str(), "next" | "following") && b.norm == "day"
            || b.is("يوم") && (c.is("تالي") || c.is("التالي"))
            || a.is("يوم") && (b.is("تالي") || b.is("التالي"))
        {
            return Some(1);
        }
        if matches!(b.norm.as_str(), "day" | "days") && c.norm == "later" {
            return count(a);
        }
        if a.is("بعد") {
            if b.is("يوم") || b.is("يوما") {
                return Some(1);
            }
            if b.is("يومين") {
                return Some(2);
            }
        }
        None
    })
}

/// A sentence about earlier years is background: a year standing alone before the year the
/// article is about ("IS seized Palmyra in 2015", "منذ عام 2014"), or "last year".
fn historical(toks: &[Tok], in_dates: &[bool], reference_year: Option<i32>) -> bool {
    let old_year = toks.iter().zip(in_dates).any(|(t, &dated)| {
        !dated
            && t.number().is_some_and(|y| {
                (1900..=2100).contains(&y) && reference_year.is_some_and(|r| (y as i32) < r)
            })
    });
    let last_year = toks.windows(2).any(|w| {
        (w[0].norm == "last" && w[1].norm == "year")
            || (w[0].is("عام") || w[0].is("سنه")) && (w[1].is("ماضي") || w[1].is("ماضيه"))
    }) || toks.iter().any(|t| t.norm == "ago");
    old_year || last_year
}

/// A date phrase with a year anywhere in the article.
fn any_year(sentences: &[Sentence]) -> bool {
    sentences
        .iter()
        .any(|s| dates::find(&s.toks, None).iter().any(|m| m.year.is_some()))
}

/// How many sentences at the top of an article may carry its date.
const ARTICLE_DATE_SENTENCES: usize = 3;

/// The article's own date: a full date on a line of its own near the top (`الأربعاء ٢٠ أيار
/// ٢٠٢٦`, `عنب بلدي – الخميس ١٢ آذار ٢٠٢٦`) or in a dateline (`BEIRUT, April 22 (Reuters) -`,
/// `دمشق - الخميس ١٢ آذار ٢٠٢٦:`). A dateline without a year takes the year of a full date
/// elsewhere in the article, else the one `read_on` implies.
fn article_date(
    text: &str,
    sentences: &[Sentence],
    read_on: Option<NaiveDate>,
) -> Option<(NaiveDate, String)> {
    let year_elsewhere = || {
        sentences
            .iter()
            .flat_map(|s| dates::find(&s.toks, None))
            .filter(|m| m.precision == 1 && !m.since)
            .find_map(|m| m.year)
    };
    for s in sentences.iter().take(ARTICLE_DATE_SENTENCES) {
        let toks = &s.toks;
        let dash_after = |k: usize| match (toks.get(k), toks.get(k + 1)) {
            (Some(a), Some(b)) => text
                .get(a.end..b.start)
                .is_some_and(|g| g.contains(['-', '–', '—'])),
            _ => false,
        };
        let dateline = toks.first().is_some_and(places::is_dateline) || (0..3).any(dash_after);
        for m in dates::find(toks, None) {
            if m.precision != 1 || m.end_day.is_some() || m.since {
                continue;
            }
            if !(s.heading || dateline && m.first < DATELINE_WORDS) {
                continue;
            }
            let Some(year) = m
                .year
                .or_else(year_elsewhere)
                .or_else(|| dates::infer_year(&m, None, read_on))
            else {
                continue;
            };
            let Some(date) = NaiveDate::from_ymd_opt(year, m.month, m.day) else {
                continue;
            };
            let phrase = words_text(text, toks, m.first, m.last + 1);
            return Some((date, format!("{date}, the article's date (\"{phrase}\")")));
        }
    }
    None
}

/// A comma right after the word before `end` or within two words after it ("وفي درعا جنوبي
/// سوريا،").
fn comma_soon(toks: &[Tok], end: usize) -> bool {
    (end.saturating_sub(1)..(end + 2).min(toks.len())).any(|k| toks[k].comma_after)
}

fn words_text(text: &str, toks: &[Tok], first: usize, end: usize) -> String {
    match (toks.get(first), toks.get(end.saturating_sub(1))) {
        (Some(a), Some(b)) if a.start <= b.end => text.get(a.start..b.end).unwrap_or("").into(),
        _ => String::new(),
    }
}

fn is_inside(inner: &Located, outer: &Located) -> bool {
    inner.context_ids.contains(&outer.place_id)
        || outer.is_region && inner.region_id == outer.region_id && !inner.is_region
}

fn compatible(a: &Located, b: &Located) -> bool {
    a.place_id == b.place_id || is_inside(a, b) || is_inside(b, a)
}

impl Extractor {
    pub fn new(gazetteer: &Gazetteer) -> Extractor {
        Extractor {
            names: NameTable::new(gazetteer),
        }
    }

    /// Reads `text` (published on `published` when known, for dates without a year or
    /// relative ones) and proposes incidents. Any text up to `MAX_ARTICLE_BYTES` is accepted.
    /// Without a publication date, the article's own date in its dateline or on a line of its
    /// own at the top (`BEIRUT, April 22 (Reuters) -`, `عنب بلدي – الخميس ١٢ آذار ٢٠٢٦`) is the
    /// reference date.
    pub fn extract(
        &self,
        gazetteer: &Gazetteer,
        text: &str,
        published: Option<NaiveDate>,
    ) -> Result<Extraction, ExtractError> {
        self.extract_read_on(gazetteer, text, published, None)
    }

    /// As `extract`, for an article read on `read_on`: when it has no publication date and no
    /// date with a year anywhere, that day serves as its publication date (the evidence says
    /// so); a dateline without a year takes the year from it.
    pub fn extract_read_on(
        &self,
        gazetteer: &Gazetteer,
        text: &str,
        published: Option<NaiveDate>,
        read_on: Option<NaiveDate>,
    ) -> Result<Extraction, ExtractError> {
        if text.len() > MAX_ARTICLE_BYTES {
            return Err(ExtractError::TooLarge(text.len()));
        }
        if text.trim().is_empty() {
            return Err(ExtractError::Empty);
        }
        let sentences = text::sentences(text);
        let reference = match published {
            Some(p) => Some((p, format!("{p}, the publication date"))),
            None => article_date(text, &sentences, read_on).or_else(|| {
                read_on
                    .filter(|_| !any_year(&sentences))
                    .map(|d| {
                        (
                            d,
                            format!(
                                "{d}, the day the article was read (no publication date and no year in the text)"
                            ),
                        )
                    })
            }),
        };
        let (published, reference_note) = match reference {
            Some((d, note)) => (Some(d), Some(note)),
            None => (None, None),
        };
        let mut run = Run {
            ex: self,
            gazetteer,
            text,
            published,
            reference_note,
            context_year: None,
            last_city: None,
            islamic_state_named: false,
            cache: HashMap::new(),
            recent_dates: Vec::new(),
            drafts: Vec::new(),
            group: Vec::new(),
            group_sentence: 0,
            group_para: 0,
            skipped: Vec::new(),
        };
        for (s, sentence) in sentences.iter().enumerate() {
            run.sentence(s, sentence);
            if run.drafts.len() >= MAX_PROPOSALS * 2 {
                break;
            }
        }
        Ok(run.finish(&sentences))
    }
}

struct Run<'a> {
    ex: &'a Extractor,
    gazetteer: &'a Gazetteer,
    text: &'a str,
    /// the reference date: the publication date, else the article's dateline date
    published: Option<NaiveDate>,
    reference_note: Option<String>,
    context_year: Option<i32>,
    /// the city named last in the paragraph, for "the city"
    last_city: Option<(usize, String)>,
    islamic_state_named: bool,
    cache: HashMap<(String, Option<String>), Option<Located>>,
    /// (sentence, paragraph, date) of the dates read so far, newest last
    recent_dates: Vec<(usize, usize, DateInfo)>,
    drafts: Vec<Draft>,
    /// the drafts the last event sentence made or extended
    group: Vec<usize>,
    group_sentence: usize,
    group_para: usize,
    skipped: Vec<Skipped>,
}

impl Run<'_> {
    fn analyse(&mut self, s: usize, sentence: &Sentence) -> Analysis {
        let toks = &sentence.toks;
        let text = self.text;
        // dates
        let mut date = None;
        let dateline = toks.first().is_some_and(places::is_dateline);
        let reference_year = self.context_year.or(self.published.map(|p| p.year()));
        let mut in_dates = vec![false; toks.len()];
        let mut all_dates = Vec::new();
        for mut m in dates::find(toks, self.published) {
            for flag in in_dates.iter_mut().take(m.last + 1).skip(m.first) {
                *flag = true;
            }
            // the date of a dateline is the report's, not the event's
            if dateline && m.first < DATELINE_WORDS {
                continue;
            }
            let Some(year) = dates::infer_year(&m, self.context_year, self.published) else {
                continue;
            };
            dates::fix_month_end(&mut m, year);
            if m.year.is_some() && m.relative.is_none() {
                self.context_year = m.year;
            }
            if m.since {
                continue;
            }
            let Some((first, end)) = m.resolve(year) else {
                continue;
            };
            let info = DateInfo {
                first,
                end,
                precision: m.precision,
                phrase: words_text(text, toks, m.first, m.last + 1),
                inferred: false,
            };
            self.recent_dates.push((s, sentence.para, info.clone()));
            all_dates.push((m.first, info.clone()));
            if date.is_none() {
                date = Some(info);
            }
        }
        // "في اليوم التالي", "the next day", "a day later", "بعد يومين": days after the last
        // date read
        if date.is_none() {
            if let Some((_, _, last)) = self.recent_dates.last() {
                if let Some(days) = days_later(toks) {
                    let first = last.end.unwrap_or(last.first) + chrono::Duration::days(days);
                    let info = DateInfo {
                        first,
                        end: None,
                        precision: last.precision,
                        phrase: words_text(text, toks, 0, 0),
                        inferred: true,
                    };
                    self.recent_dates.push((s, sentence.para, info.clone()));
                    date = Some(info);
                }
            }
        }
        if self.recent_dates.len() > 8 {
            self.recent_dates.drain(..self.recent_dates.len() - 8);
        }
        // actors first: "التنظيم" needs to know whether the Islamic State was named
        let actors = events::actors(toks, self.islamic_state_named);
        if actors.iter().any(|a| a.name == events::ISLAMIC_STATE) {
            self.islamic_state_named = true;
        }
        let cues = events::cues(toks);
        let event = events::is_event(&cues) && !historical(toks, &in_dates, reference_year);
        let fatal =
            events::fatalities(toks, &cues).map(|(n, a, b)| (n, words_text(text, toks, a, b)));
        // places
        if self
            .last_city
            .as_ref()
            .is_some_and(|(para, _)| *para != sentence.para)
        {
            self.last_city = None;
        }
        let mut located = Vec::new();
        let phrases = places::phrases(&self.ex.names, self.gazetteer, toks);
        // "وفي ريف دير الزور الشمالي، … قرب بلدة الصور": the topic place opening the sentence
        // before a comma is the context of the places after it that name none of their own
        let topic = phrases
            .first()
            .filter(|p| p.first <= 2 && comma_soon(toks, p.end));
        let topic_text = topic.and_then(|p| places::head_text(text, toks, p));
        for (k, p) in phrases.into_iter().enumerate() {
            let context = if p.the_city {
                self.last_city.as_ref().map(|(_, c)| c.clone())
            } else if k > 0 && p.names.len() == 1 {
                topic_text.map(str::to_string)
            } else {
                None
            };
            let ctx_places = places::context_places(&self.ex.names, toks, &p);
            let phrase_text = words_text(text, toks, p.first, p.end);
            let key = (phrase_text, context.clone());
            let loc = if let Some(hit) = self.cache.get(&key) {
                hit.clone().map(|mut l| {
                    l.first = p.first;
                    l.end = p.end;
                    l.context_only = p.context_only;
                    l
                })
            } else if self.cache.len() >= MAX_GEOCODED_PHRASES {
                None
            } else {
                let l = places::locate(
                    self.gazetteer,
                    &ctx_places,
                    text,
                    toks,
                    &p,
                    context.as_deref(),
                );
                self.cache.insert(key, l.clone());
                l
            };
            if let Some(last) = p.names.last() {
                let name = words_text(text, toks, last.0, last.1);
                if !name.is_empty() {
                    self.last_city = Some((sentence.para, name));
                }
            }
            if let Some(l) = loc {
                if !l.context_only {
                    located.push(l);
                }
            }
        }
        // a governorate or city that contains another place of the sentence is its context
        let all = located.clone();
        located.retain(|l| {
            l.the_city
                || !all
                    .iter()
                    .any(|o| o.place_id != l.place_id && is_inside(o, l))
        });
        // "دمشق - سانا: …", "Aleppo — …": a place opening the sentence before a dash or colon is
        // where the report was filed
        located.retain(|l| {
            let gap = match (toks.get(l.end.wrapping_sub(1)), toks.get(l.end)) {
                (Some(a), Some(b)) if l.first == 0 => text.get(a.end..b.start).unwrap_or(""),
                _ => "",
            };
            !gap.contains(['-', '–', '—', ':'])
        });
        // "the road between Albu Kamal and al-Mayadin": one place, near the first town
        if located.len() > 1 {
            let mut k = 0;
            while k + 1 < located.len() {
                let (a, b) = (&located[k], &located[k + 1]);
                let between = a.first > 0
                    && (toks[a.first - 1].is("بين") || toks[a.first - 1].norm == "between");
                let joined = b.first == a.end && toks[b.first].raw.starts_with('و')
                    || b.first == a.end + 1 && matches!(toks[a.end].norm.as_str(), "and" | "و");
                if between && joined {
                    located[k].geo_precision = located[k].geo_precision.max(2);
                    located.remove(k + 1);
                }
                k += 1;
            }
        }
        // a governorate or city named as the context of a more precise place (`بلدة طفس بريف
        // درعا الغربي`, "Jableh, south of Latakia", "Dhiban in rural Deir al-Zor") is not an
        // incident of its own anywhere in the sentence
        let all = located.clone();
        located.retain(|l| {
            l.the_city
                || !all
                    .iter()
                    .any(|o| o.place_id != l.place_id && o.context_ids.contains(&l.place_id))
        });
        // "In Idlib, a landmine exploded in Kafr Nabl", "وفي درعا جنوبي سوريا، …": the topic
        // place before a comma is context when another place of the sentence lies in its
        // governorate, and so is every other mention of it in the sentence
        let all = located.clone();
        let topics: Vec<String> = all
            .iter()
            .filter(|l| {
                l.first <= 2
                    && comma_soon(toks, l.end)
                    && all.iter().any(|o| {
                        o.first > l.first && o.region_id == l.region_id && o.place_id != l.place_id
                    })
            })
            .map(|l| l.place_id.clone())
            .collect();
        located.retain(|l| !topics.contains(&l.place_id));
        let mut seen = Vec::new();
        located.retain(|l| {
            let new = !seen.contains(&l.place_id);
            seen.push(l.place_id.clone());
            new
        });
        Analysis {
            located,
            date,
            dates: all_dates,
            cues,
            event,
            actors,
            fatal,
            continues: events::continues(toks),
        }
    }

    fn sentence(&mut self, s: usize, sentence: &Sentence) {
        let a = self.analyse(s, sentence);
        // a title or heading gives context (a year, a city) but reports nothing itself
        if sentence.heading {
            return;
        }
        let toks = &sentence.toks;
        let recent = !self.group.is_empty() && s - self.group_sentence <= REACH;
        if !(a.event || a.continues && recent && !a.located.is_empty()) {
            return;
        }
        let type_words: Vec<String> = a
            .cues
            .iter()
            .filter(|h| !matches!(h.cue, Cue::MilitaryTarget | Cue::CivilianTarget) || a.event)
            .map(|h| words_text(self.text, toks, h.first, h.end))
            .collect();
        let cue_kinds: Vec<Cue> = a.cues.iter().map(|h| h.cue).collect();
        let this = Draft {
            sentences: vec![s],
            located: None,
            date: a.date.clone(),
            cues: cue_kinds,
            type_words,
            actors: a.actors.clone(),
            fatal: a.fatal.clone(),
        };
        // a sentence continues the incident before it when it says so, or when it follows it
        // directly in the same paragraph without a date of its own
        let continuing = recent
            && (a.continues
                || sentence.para == self.group_para
                    && s == self.group_sentence + 1
                    && a.date.is_none());
        if a.located.is_empty() {
            if continuing {
                for &g in &self.group.clone() {
                    merge(&mut self.drafts[g], &this);
                }
            } else {
                self.drafts.push(this);
                self.group = vec![self.drafts.len() - 1];
            }
            self.group_sentence = s;
            self.group_para = sentence.para;
            return;
        }
        // the incident(s) of the previous sentence(s) this one refines
        let target = if recent && (continuing || a.date.is_none()) {
            self.group
                .iter()
                .copied()
                .find(|&g| match &self.drafts[g].located {
                    None => continuing,
                    Some(l) => a.located.iter().all(|n| compatible(n, l)),
                })
        } else {
            None
        };
        let mut new_group = Vec::new();
        match target {
            Some(g) => {
                let base = self.drafts[g].clone();
                for (k, loc) in a.located.iter().enumerate() {
                    let mut d = base.clone();
                    merge(&mut d, &this);
                    let refine = match &d.located {
                        None => true,
                        Some(old) => is_inside(loc, old) || old.geo_precision > loc.geo_precision,
                    };
                    if refine || k > 0 {
                        d.located = Some(loc.clone());
                    }
                    if k == 0 {
                        self.drafts[g] = d;
                        new_group.push(g);
                    } else {
                        self.drafts.push(d);
                        new_group.push(self.drafts.len() - 1);
                    }
                }
            }
            // a sentence without event words only adds to an incident before it
            None if !a.event => return,
            None => {
                let carried = if this.date.is_none() {
                    self.carried_date(s, sentence.para, continuing)
                } else {
                    None
                };
                for loc in &a.located {
                    let mut d = this.clone();
                    d.located = Some(loc.clone());
                    // "on 3 May in A, and on 5 May in B": the date written before the place
                    if a.dates.len() > 1 {
                        if let Some((_, info)) =
                            a.dates.iter().rev().find(|(first, _)| *first < loc.first)
                        {
                            d.date = Some(info.clone());
                        }
                    }
                    if d.date.is_none() {
                        d.date = carried.clone();
                    }
                    self.drafts.push(d);
                    new_group.push(self.drafts.len() - 1);
                }
            }
        }
        self.group = new_group;
        self.group_sentence = s;
        self.group_para = sentence.para;
    }

    /// The date of the sentences just before, in the same paragraph (or the previous incident's
    /// when the sentence continues it).
    fn carried_date(&self, s: usize, para: usize, continuing: bool) -> Option<DateInfo> {
        let from_group = || {
            self.group
                .iter()
                .find_map(|&g| self.drafts.get(g).and_then(|d| d.date.clone()))
        };
        let near = self
            .recent_dates
            .iter()
            .rev()
            .find(|(ds, dp, _)| *dp == para && s - ds <= REACH + 1)
            .map(|(_, _, d)| d.clone());
        let found = if continuing {
            from_group().or(near)
        } else {
            near
        };
        found.map(|mut d| {
            d.inferred = true;
            d
        })
    }

    fn finish(mut self, sentences: &[Sentence]) -> Extraction {
        let mut proposals: Vec<Proposal> = Vec::new();
        let drafts = std::mem::take(&mut self.drafts);
        for d in drafts {
            let sentence_text = d
                .sentences
                .iter()
                .filter_map(|&i| sentences.get(i))
                .map(|s| s.text(self.text))
                .collect::<Vec<_>>()
                .join(" ");
            let Some(loc) = d.located.clone() else {
                self.skipped.push(Skipped {
                    sentence: sentence_text,
                    reason: "no place in Syria that the gazetteer knows".into(),
                });
                continue;
            };
            let date = d.date.clone().or_else(|| {
                self.published.map(|p| DateInfo {
                    first: p,
                    end: None,
                    precision: 3,
                    phrase: String::new(),
                    inferred: true,
                })
            });
            let Some(date) = date else {
                self.skipped.push(Skipped {
                    sentence: sentence_text,
                    reason: "no date in the report".into(),
                });
                continue;
            };
            if proposals.len() >= MAX_PROPOSALS {
                break;
            }
            let p = build(&d, loc, date, sentence_text, self.reference_note.as_deref());
            // the same place, day and type twice in one article is one incident
            if let Some(prev) = proposals.iter_mut().find(|q| {
                q.incident.place_id == p.incident.place_id
                    && q.incident.event_date == p.incident.event_date
                    && q.incident.sub_event_type == p.incident.sub_event_type
            }) {
                if prev.evidence.sentence.len() < MAX_EVIDENCE_BYTES
                    && !prev.evidence.sentence.contains(&p.evidence.sentence)
                {
                    prev.evidence.sentence.push(' ');
                    prev.evidence.sentence.push_str(&p.evidence.sentence);
                    prev.incident.source_text = prev.evidence.sentence.clone();
                }
                continue;
            }
            proposals.push(p);
        }
        Extraction {
            proposals,
            skipped: self.skipped,
        }
    }
}

fn merge(d: &mut Draft, other: &Draft) {
    for &s in &other.sentences {
        if !d.sentences.contains(&s) {
            d.sentences.push(s);
        }
    }
    for c in &other.cues {
        if !d.cues.contains(c) {
            d.cues.push(*c);
        }
    }
    for w in &other.type_words {
        if !d.type_words.contains(w) {
            d.type_words.push(w.clone());
        }
    }
    for a in &other.actors {
        if !d.actors.iter().any(|x| x.name == a.name) {
            d.actors.push(a.clone());
        }
    }
    d.fatal = match (d.fatal.take(), other.fatal.clone()) {
        (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
        (x, y) => x.or(y),
    };
    d.date = match (d.date.take(), other.date.clone()) {
        (None, y) => y,
        (Some(x), None) => Some(x),
        (Some(x), Some(y)) => Some(if x.inferred || y.precision < x.precision {
            y
        } else {
            x
        }),
    };
}

fn build(
    d: &Draft,
    loc: Located,
    date: DateInfo,
    sentence: String,
    reference: Option<&str>,
) -> Proposal {
    let fatalities = d.fatal.as_ref().map(|f| f.0).unwrap_or(0);
    // a killing or attack where a state force and an armed group are both named is fighting
    // between them, not violence against civilians
    let mut cues = d.cues.clone();
    if d.actors.iter().any(|a| a.state) && d.actors.iter().any(|a| !a.state) {
        cues.push(Cue::MilitaryTarget);
    }
    let (disorder, event_type, sub) = events::classify(&cues, fatalities);
    let civilians = d.cues.contains(&Cue::CivilianTarget);
    let (actor1, actor2) = events::roles(sub, &d.actors, civilians);
    let place_weight = match loc.geo_precision {
        1 => 0.2,
        2 => 0.14,
        _ => 0.06,
    } * loc.score.min(1.0);
    let date_weight = if date.inferred {
        0.04
    } else {
        match date.precision {
            1 => 0.15,
            2 => 0.1,
            _ => 0.05,
        }
    };
    let confidence =
        (0.3 + 0.3 * events::type_strength(&d.cues) + place_weight + date_weight).clamp(0.05, 0.95);
    let confidence = (confidence * 100.0).round() / 100.0;
    let location_ar = loc.name_ar.clone().unwrap_or_else(|| loc.name.clone());
    let date_text = match (&date.end, date.phrase.is_empty()) {
        (_, true) => format!(
            "{} ({})",
            date.first,
            reference
                .and_then(|r| r.split_once(", "))
                .map_or("publication date", |(_, what)| what)
        ),
        (Some(e), false) => format!("{}–{} from \"{}\"", date.first, e, date.phrase),
        (None, false) => format!("{} from \"{}\"", date.first, date.phrase),
    };
    let notes = format!(
        "Extracted, not yet reviewed: {sub} ({}) at \"{}\" → {} ({}); date {date_text}{}; confidence {confidence:.2}.",
        d.type_words.join(", "),
        loc.phrase,
        loc.name,
        loc.place_id,
        if date.inferred { ", taken from the sentences before" } else { "" },
    );
    let incident = Incident {
        id: String::new(),
        event_date: date.first,
        event_date_end: date.end,
        time_precision: date.precision,
        disorder_type: disorder.into(),
        event_type: event_type.into(),
        sub_event_type: sub.into(),
        actor1,
        actor2,
        fatalities,
        location: loc.name.clone(),
        location_ar,
        admin1: loc.admin1.clone(),
        admin1_ar: loc.admin1_ar.clone(),
        geo_precision: loc.geo_precision,
        place_id: loc.place_id.clone(),
        notes,
        source_text: sentence.clone(),
        source: String::new(),
        review: Review::Extracted,
        lon: loc.lon,
        lat: loc.lat,
    };
    let evidence = Evidence {
        sentence,
        place_phrase: loc.phrase.clone(),
        place: PlaceEvidence {
            id: loc.place_id,
            name: loc.name,
            name_ar: loc.name_ar,
            matched_name: loc.matched_name,
            score: (loc.score * 1000.0).round() / 1000.0,
            geo_precision: loc.geo_precision,
            admin1: loc.admin1,
        },
        date_phrase: (!date.phrase.is_empty()).then_some(date.phrase),
        date_inferred: date.inferred,
        type_words: d.type_words.clone(),
        fatality_words: d.fatal.as_ref().map(|f| f.1.clone()),
        confidence,
        reference_date: reference.map(str::to_string),
    };
    Proposal { incident, evidence }
}
