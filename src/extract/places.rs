//! Places in a sentence: runs of words that are gazetteer names (Arabic with its clitics and
//! article, Latin with its articles and spellings), grown into the phrase a report writes
//! around them — `في منطقة البدروسية بريف اللاذقية الشمالي`, `near Palmyra in the eastern Homs
//! desert` — and resolved as a whole by the geocoder, which reads the governorate or city of the
//! phrase as context and sets geo_precision.
//!
//! Only the first name of a phrase is the incident's place; the names chained after it (`بريف
//! اللاذقية`, `in the Homs desert`) are its context. A name after an official's title (`قائد
//! الأمن الداخلي في محافظة حلب`, `Idlib's security chief`) says who spoke, not where something
//! happened, and is context only.
//!
//! Not for: ranking places (the gazetteer does that).

use std::collections::{HashMap, HashSet};

use crate::gazetteer::normalize::{
    is_latin_article, latin_loose, name_keys, strip_arabic_article, Script,
};
use crate::gazetteer::Gazetteer;

use super::text::Tok;

/// Longest name looked for, in words.
const MAX_NAME_WORDS: usize = 4;
/// A town this large is a place wherever it is named; smaller ones need a word that introduces
/// a place (في, near, منطقة, …) or a preposition glued to them (بحمص).
const NAMED_ALONE_POPULATION: u64 = 100_000;
/// The same for a name written in Arabic script.
const NAMED_ALONE_POPULATION_ARABIC: u64 = 400_000;

/// Every name of every gazetteer place by its key, built once per gazetteer.
pub struct NameTable {
    /// first words (exact keys) of the Arabic names, to skip most words at once
    arabic_first: HashSet<String>,
    arabic: HashMap<String, Vec<u32>>,
    latin: HashMap<String, Vec<u32>>,
    latin_loose: HashMap<String, Vec<u32>>,
}

impl NameTable {
    pub fn new(gazetteer: &Gazetteer) -> NameTable {
        let mut t = NameTable {
            arabic_first: HashSet::new(),
            arabic: HashMap::new(),
            latin: HashMap::new(),
            latin_loose: HashMap::new(),
        };
        for (i, p) in gazetteer.places().iter().enumerate() {
            let names = std::iter::once(p.name.as_str())
                .chain(p.name_ar.as_deref())
                .chain(p.alternate_names.iter().map(String::as_str));
            for name in names {
                let Some(k) = name_keys(name) else { continue };
                if k.words > MAX_NAME_WORDS || k.exact.chars().count() < 3 {
                    continue;
                }
                let push = |map: &mut HashMap<String, Vec<u32>>, key: String| {
                    let v = map.entry(key).or_default();
                    if !v.contains(&(i as u32)) {
                        v.push(i as u32);
                    }
                };
                match k.script {
                    Script::Arabic => {
                        if let Some(first) = k.exact.split(' ').next() {
                            t.arabic_first.insert(first.to_string());
                        }
                        // "البو كمال" is also written "البوكمال"
                        if k.words > 1 {
                            let joined = k.exact.replace(' ', "");
                            t.arabic_first.insert(joined.clone());
                            push(&mut t.arabic, joined);
                        }
                        push(&mut t.arabic, k.exact)
                    }
                    Script::Latin => {
                        if k.loose.len() >= 4 {
                            push(&mut t.latin_loose, k.loose);
                        }
                        push(&mut t.latin, k.exact);
                    }
                }
            }
        }
        t
    }
}

/// How a word relates to a place next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// منطقة, town, village: introduces a place
    Descriptor,
    /// قرب, near, outskirts
    Near,
    /// شمال, north, الشمالي, northern
    Direction,
    /// ريف, countryside, desert
    Countryside,
    /// محافظة, province
    Governorate,
    /// العاصمة, capital
    Capital,
    /// في, in, at, of, from
    Prep,
}

fn mark(t: &Tok) -> Option<Mark> {
    use Mark::*;
    match t.script {
        Script::Latin => Some(match t.norm.as_str() {
            "town" | "city" | "village" | "villages" | "area" | "neighbourhood"
            | "neighborhood" | "district" | "suburb" | "camp" | "subdistrict" | "towns" => {
                Descriptor
            }
            "near" | "outside" | "outskirts" | "vicinity" | "around" | "nearby" => Near,
            "north" | "south" | "east" | "west" | "northern" | "southern" | "eastern"
            | "western" | "northwest" | "northeast" | "southwest" | "southeast"
            | "northwestern" | "northeastern" | "southwestern" | "southeastern" => Direction,
            "countryside" | "rural" | "desert" | "badia" | "outskirt" => Countryside,
            "province" | "governorate" => Governorate,
            "capital" => Capital,
            "in" | "at" | "of" | "from" | "into" | "the" | "to" | "between" | "inside" => Prep,
            _ => return None,
        }),
        Script::Arabic => {
            for s in &t.stems {
                let m = match s.as_str() {
                    "منطقه" | "منطقتي" | "مناطق" | "مدينه" | "مدينتي" | "بلده" | "بلدتي"
                    | "قريه" | "قريتي" | "حي" | "مخيم" | "ناحيه" | "ضاحيه" | "بلدات" | "قري" => {
                        Descriptor
                    }
                    "قرب" | "بالقرب" | "محيط" | "اطراف" | "ضواحي" | "مشارف" | "جوار" | "خارج"
                    | "حول" => Near,
                    "شمال"
                    | "جنوب"
                    | "شرق"
                    | "غرب"
                    | "شمالي"
                    | "جنوبي"
                    | "شرقي"
                    | "غربي"
                    | "شماليه"
                    | "جنوبيه"
                    | "شرقيه"
                    | "غربيه"
                    | "شمالي الغربي" => Direction,
                    "ريف" | "باديه" | "صحرا" | "صحراء" => Countryside,
                    "محافظه" => Governorate,
                    "عاصمه" => Capital,
                    "في" | "من" | "الي" | "داخل" | "عند" | "بين" | "نحو" => {
                        Prep
                    }
                    _ => continue,
                };
                return Some(m);
            }
            None
        }
    }
}

/// Words of an official's title: a place right after or before them names an office.
fn is_title(t: &Tok) -> bool {
    match t.script {
        Script::Latin => matches!(
            t.norm.as_str(),
            "commander"
                | "chief"
                | "head"
                | "governor"
                | "minister"
                | "spokesman"
                | "spokesperson"
                | "spokeswoman"
                | "official"
                | "officials"
                | "director"
                | "mayor"
                | "envoy"
                | "ambassador"
        ),
        Script::Arabic => [
            "قايد",
            "رييس",
            "مدير",
            "وزير",
            "محافظ",
            "مسوول",
            "متحدث",
            "ناطق",
        ]
        .iter()
        .any(|s| t.is(s)),
    }
}

/// A word in capitals opening a sentence: the city of a dateline.
pub fn is_dateline(t: &Tok) -> bool {
    t.script == Script::Latin
        && t.raw.chars().count() >= 3
        && t.raw.chars().all(|c| !c.is_lowercase())
        && !t.is_number()
}

/// Words naming a security body or an office an official heads.
fn is_office(t: &Tok) -> bool {
    match t.script {
        Script::Latin => matches!(
            t.norm.as_str(),
            "security"
                | "police"
                | "intelligence"
                | "interior"
                | "ministry"
                | "internal"
                | "office"
                | "directorate"
        ),
        Script::Arabic => [
            "امن",
            "شرطه",
            "داخليه",
            "استخبارات",
            "مخابرات",
            "مديريه",
            "داخلي",
        ]
        .iter()
        .any(|s| t.is(s)),
    }
}

/// A gazetteer name found in the sentence.
#[derive(Debug, Clone)]
struct NameHit {
    first: usize,
    /// one past the last word
    end: usize,
    places: Vec<u32>,
    /// a preposition was glued to the name (بحمص, وادلب)
    clitic: bool,
}

/// Whether the letters glued before `stem` in `word` can introduce a place: a preposition
/// `ب` or conjunction `و` (`بحمص`, `وادلب`), or an article (`للرقة`, `فالرقة`). A lone `ف`,
/// `ل` or `ك` before a word without its article makes another word: `فرقه` "his teams" is not
/// `الرقة`, `لبنان` is not Banān.
fn place_clitic(word: &str, stem: &str) -> bool {
    match word.strip_suffix(stem) {
        Some(prefix) => {
            prefix.contains(['ب', 'و']) || prefix.ends_with("ال") || prefix.ends_with("لل")
        }
        None => true,
    }
}

fn name_at(table: &NameTable, toks: &[Tok], i: usize) -> Option<NameHit> {
    let t = &toks[i];
    match t.script {
        Script::Arabic => {
            if !t
                .stems
                .iter()
                .any(|s| table.arabic_first.contains(strip_arabic_article(s).0))
            {
                return None;
            }
            for n in (1..=MAX_NAME_WORDS).rev() {
                if i + n > toks.len() || toks[i..i + n].iter().any(|w| w.script != t.script) {
                    continue;
                }
                let mut rest = String::new();
                for w in &toks[i + 1..i + n] {
                    rest.push(' ');
                    rest.push_str(strip_arabic_article(&w.norm).0);
                }
                for (si, s) in t.stems.iter().enumerate() {
                    if si > 0 && !place_clitic(&t.norm, s) {
                        continue;
                    }
                    let key = format!("{}{rest}", strip_arabic_article(s).0);
                    if let Some(places) = table.arabic.get(&key) {
                        let bare = strip_arabic_article(&t.norm).0;
                        return Some(NameHit {
                            first: i,
                            end: i + n,
                            places: places.clone(),
                            clitic: si > 0 && strip_arabic_article(s).0 != bare,
                        });
                    }
                }
            }
            None
        }
        Script::Latin => {
            // an article word before the name: "al-Bab", "Al Bab"
            let article = is_latin_article(&t.norm)
                && (t.hyphen_after || matches!(t.raw.as_str(), "Al" | "El" | "AL"));
            let start = if article { i + 1 } else { i };
            let head = toks.get(start)?;
            if head.script != Script::Latin || !head.capitalised() || head.is_number() {
                return None;
            }
            for n in (1..=MAX_NAME_WORDS).rev() {
                if start + n > toks.len() {
                    continue;
                }
                let span = &toks[start..start + n];
                if span
                    .iter()
                    .any(|w| w.script != Script::Latin || w.is_number())
                {
                    continue;
                }
                // every word after the first is capitalised or an article joined by a hyphen
                if span[1..]
                    .iter()
                    .any(|w| !(w.capitalised() || is_latin_article(&w.norm) && w.hyphen_after))
                {
                    continue;
                }
                let words: Vec<&str> = span
                    .iter()
                    .enumerate()
                    .filter(|(k, w)| !(*k + 1 < n && is_latin_article(&w.norm)))
                    .map(|(_, w)| w.norm.as_str())
                    .collect();
                let exact = words.join(" ");
                let loose: String = words.iter().map(|w| latin_loose(w)).collect();
                let found = table.latin.get(&exact).or_else(|| {
                    (loose.len() >= 5)
                        .then(|| table.latin_loose.get(&loose))
                        .flatten()
                });
                if let Some(places) = found {
                    return Some(NameHit {
                        first: i,
                        end: start + n,
                        places: places.clone(),
                        clitic: false,
                    });
                }
            }
            None
        }
    }
}

/// A place phrase of a sentence.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// word range (inclusive, exclusive)
    pub first: usize,
    pub end: usize,
    /// the words that named places, first the place itself, then its context
    pub names: Vec<(usize, usize)>,
    /// the phrase only says where an official sits or is context for another phrase
    pub context_only: bool,
    /// "غربي المدينة", "west of the city": a place relative to a city named before
    pub the_city: bool,
}

/// Finds the place phrases of a sentence.
pub fn phrases(table: &NameTable, gazetteer: &Gazetteer, toks: &[Tok]) -> Vec<Phrase> {
    let mut hits: Vec<Option<NameHit>> = Vec::with_capacity(toks.len());
    {
        let mut i = 0;
        while i < toks.len() {
            match name_at(table, toks, i) {
                Some(h) => {
                    let end = h.end;
                    hits.push(Some(h));
                    for _ in i + 1..end {
                        hits.push(None);
                    }
                    i = end;
                }
                None => {
                    hits.push(None);
                    i += 1;
                }
            }
        }
    }
    let places = gazetteer.places();
    let accepted = |h: &NameHit| -> bool {
        if h.clitic {
            return true;
        }
        // Arabic names of towns are often common words too (الباب "the door"): only
        // governorates and the largest cities stand alone
        let alone = match toks[h.first].script {
            Script::Latin => NAMED_ALONE_POPULATION,
            Script::Arabic => NAMED_ALONE_POPULATION_ARABIC,
        };
        let big = h.places.iter().any(|&p| {
            let p = &places[p as usize];
            p.id.starts_with("region:") || p.population >= alone
        });
        if big {
            return true;
        }
        h.first > 0 && mark(&toks[h.first - 1]).is_some()
            || h.first > 0
                && toks[h.first - 1].script == Script::Arabic
                && toks[h.first - 1].norm == "و"
    };

    let mut out: Vec<Phrase> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // "غربي المدينة", "west of the city"
        if let Some(p) = the_city_at(toks, i) {
            i = p.end;
            out.push(p);
            continue;
        }
        let Some(h) = hits[i].clone().filter(accepted) else {
            i += 1;
            continue;
        };
        // grow left over relation words: "منطقة", "north of", "near the town of"
        let mut first = h.first;
        while first > 0 && h.first - first < 4 {
            let prev = &toks[first - 1];
            match mark(prev) {
                Some(Mark::Prep)
                    if prev.script == Script::Latin
                        && matches!(prev.norm.as_str(), "of" | "the") =>
                {
                    first -= 1
                }
                Some(Mark::Prep) | None => break,
                Some(_) => first -= 1,
            }
        }
        // "the town of X": the article and "of" alone do not start a phrase
        while first < h.first && matches!(mark(&toks[first]), Some(Mark::Prep)) {
            first += 1;
        }
        let mut names = vec![(h.first, h.end)];
        let mut end = h.end;
        // grow right: direction adjectives, countryside, and context names chained by
        // relation words ("بريف اللاذقية الشمالي", ", Idlib countryside", "in the Homs desert")
        loop {
            let mut j = end;
            while j < toks.len()
                && matches!(
                    mark(&toks[j]),
                    Some(Mark::Direction | Mark::Countryside | Mark::Governorate)
                )
                && (toks[j].script == Script::Arabic || !toks[j - 1].comma_after)
                && hits[j].is_none()
                // Arabic: an adjective after the name (الشمالي) or "north of" before another
                // name; "وغربي" starts a phrase of its own
                && (toks[j].script == Script::Latin
                    || toks[j].norm.starts_with("ال")
                    || hits.get(j + 1).is_some_and(Option::is_some))
            {
                // "north of Aleppo" continues below; a trailing "northern" ends here
                if toks[j].script == Script::Latin
                    && toks.get(j + 1).is_some_and(|n| n.norm == "of")
                {
                    break;
                }
                j += 1;
            }
            let adjectives = j - end;
            end = j;
            // connectors then a name
            let mut k = end;
            let mut connectors = adjectives;
            let comma = end > 0 && toks[end - 1].comma_after;
            while k < toks.len() && connectors < 3 + adjectives && hits[k].is_none() {
                let m = mark(&toks[k]);
                let connector = match m {
                    Some(Mark::Prep) => matches!(toks[k].norm.as_str(), "in" | "of" | "the" | "في"),
                    Some(Mark::Descriptor) => false,
                    Some(_) => true,
                    None => false,
                };
                if !connector {
                    break;
                }
                k += 1;
                connectors += 1;
            }
            let Some(next) = hits.get(k).cloned().flatten() else {
                break;
            };
            let region_like = next.places.iter().any(|&p| {
                let p = &places[p as usize];
                p.id.starts_with("region:") || p.population >= NAMED_ALONE_POPULATION / 2
            });
            // a clitic ب on the name itself (بدمشق, بريف is a connector) chains too
            let chained = connectors > 0 && (!comma || region_like)
                || connectors == 0 && next.clitic && region_like
                || connectors == 0 && comma && region_like && {
                    // ", Idlib countryside" / ", Idlib province"
                    matches!(
                        toks.get(next.end).and_then(mark),
                        Some(Mark::Countryside | Mark::Governorate)
                    )
                };
            if !chained {
                break;
            }
            names.push((next.first, next.end));
            end = next.end;
        }
        // "قائد الأمن الداخلي في محافظة حلب", "governor of Homs": an office, but not "a
        // commander arrested in Homs"
        let title_before = (first.saturating_sub(4)..first).any(|j| {
            is_title(&toks[j])
                && (toks[j + 1..first].iter().any(is_office)
                    || toks[j + 1..first]
                        .iter()
                        .all(|t| matches!(t.norm.as_str(), "of" | "the")))
        });
        let title_after = (end..(end + 3).min(toks.len())).any(|j| is_title(&toks[j]))
            && !(first > 0 && matches!(toks[first - 1].norm.as_str(), "in" | "near" | "at"));
        // a dateline ("DAMASCUS, March 3 (Reuters) -") says where the report was filed
        let dateline = first == 0 && is_dateline(&toks[0]);
        out.push(Phrase {
            first,
            end,
            names,
            context_only: title_before || title_after || dateline,
            the_city: false,
        });
        i = end;
    }
    out
}

fn the_city_at(toks: &[Tok], i: usize) -> Option<Phrase> {
    let t = &toks[i];
    let rel = matches!(mark(t), Some(Mark::Direction | Mark::Near));
    if !rel {
        return None;
    }
    let mut j = i + 1;
    if toks.get(j).is_some_and(|n| n.norm == "of") {
        j += 1;
    }
    let n = toks.get(j)?;
    let city = match n.script {
        Script::Arabic => n.norm == "المدينه" || n.norm == "البلده",
        Script::Latin => {
            n.norm == "the"
                && toks
                    .get(j + 1)
                    .is_some_and(|c| matches!(c.norm.as_str(), "city" | "town"))
        }
    };
    if !city {
        return None;
    }
    let end = if n.norm == "the" { j + 2 } else { j + 1 };
    // "near the town of al-Mayadin" names the town
    if toks.get(end).is_some_and(|t| t.norm == "of") {
        return None;
    }
    Some(Phrase {
        first: i,
        end,
        names: Vec::new(),
        context_only: false,
        the_city: true,
    })
}

/// A phrase resolved by the geocoder.
#[derive(Debug, Clone)]
pub struct Located {
    pub phrase: String,
    pub first: usize,
    pub end: usize,
    pub place_id: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub matched_name: String,
    pub score: f64,
    pub geo_precision: u8,
    pub admin1: String,
    pub admin1_ar: String,
    pub region_id: String,
    pub lon: f64,
    pub lat: f64,
    /// a governorate and nothing smaller
    pub is_region: bool,
    /// place ids of the context names chained in the phrase
    pub context_ids: Vec<String>,
    pub context_only: bool,
    /// "west of the city": a place of its own, though named by a city of another phrase
    pub the_city: bool,
}

/// Resolves a phrase; `context` is the city or governorate named before (for "the city").
pub fn locate(
    gazetteer: &Gazetteer,
    table_places: &[u32],
    text: &str,
    toks: &[Tok],
    p: &Phrase,
    context: Option<&str>,
) -> Option<Located> {
    let (a, b) = (toks.get(p.first)?.start, toks.get(p.end - 1)?.end);
    let phrase = text.get(a..b)?.to_string();
    // descriptors (منطقتي, the town of) change nothing and may be unknown to the geocoder
    let mut g = p.first;
    while g + 1 < p.end && matches!(mark(&toks[g]), Some(Mark::Descriptor | Mark::Prep)) {
        g += 1;
    }
    let mut qa = toks.get(g)?.start;
    // a conjunction glued to the first relation word: "وغربي المدينة"
    if toks[g].script == Script::Arabic && mark(&toks[g]).is_some() && toks[g].raw.starts_with('و')
    {
        qa += 'و'.len_utf8();
    }
    let query = text.get(qa..b)?;
    if p.the_city && context.is_none() {
        return None;
    }
    let c = gazetteer.resolve(query, context)?;
    let region = c.region?;
    let places = gazetteer.places();
    let context_ids = table_places
        .iter()
        .map(|&i| places[i as usize].id.clone())
        .collect();
    Some(Located {
        phrase,
        first: p.first,
        end: p.end,
        place_id: c.place.id.clone(),
        name: c.place.name.clone(),
        name_ar: c.place.name_ar.clone(),
        matched_name: c.matched_name.clone(),
        score: c.score,
        geo_precision: c.geo_precision,
        admin1: region.name.clone(),
        admin1_ar: region.name_ar.clone(),
        region_id: region.id.clone(),
        lon: c.place.lon,
        lat: c.place.lat,
        is_region: c.place.id.starts_with("region:"),
        context_ids,
        context_only: p.context_only,
        the_city: p.the_city,
    })
}

/// Place indexes named by the context words of a phrase (its names after the first).
pub fn context_places(table: &NameTable, toks: &[Tok], p: &Phrase) -> Vec<u32> {
    let mut out = Vec::new();
    for &(a, _) in p.names.iter().skip(1) {
        if let Some(h) = name_at(table, toks, a) {
            out.extend(h.places);
        }
    }
    out
}

/// The words of the phrase that named its own place, as written (for "the city" later).
pub fn head_text<'a>(text: &'a str, toks: &[Tok], p: &Phrase) -> Option<&'a str> {
    let &(a, b) = p.names.first()?;
    text.get(toks.get(a)?.start..toks.get(b - 1)?.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::words;

    fn found(gz: &Gazetteer, table: &NameTable, text: &str) -> Vec<(String, String, u8, bool)> {
        let toks = words(text, 0, text.len());
        phrases(table, gz, &toks)
            .iter()
            .filter_map(|p| {
                let ctx = if p.the_city { Some("Idlib") } else { None };
                let cp = context_places(table, &toks, p);
                locate(gz, &cp, text, &toks, p, ctx)
            })
            .map(|l| (l.phrase, l.place_id, l.geo_precision, l.context_only))
            .collect()
    }

    #[test]
    fn phrases_with_context_and_precision() {
        let gz = Gazetteer::embedded().expect("gazetteer");
        let table = NameTable::new(&gz);
        let got = found(
            &gz,
            &table,
            "القبض على خلية في منطقة البدروسية بريف اللاذقية الشمالي.",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "منطقة البدروسية بريف اللاذقية الشمالي");
        assert_eq!(got[0].1, "curated:al-badrusiyah");

        let got = found(
            &gz,
            &table,
            "an attack near Palmyra in the eastern Homs desert",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "near Palmyra in the eastern Homs desert");
        assert_eq!(got[0].1, "geonames:163808");
        assert_eq!(got[0].2, 2);

        let got = found(&gz, &table, "جرت في منطقتي الدانا شمال إدلب وغربي المدينة");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "منطقتي الدانا شمال إدلب");
        assert_eq!(got[1].0, "وغربي المدينة");

        let got = found(&gz, &table, "وأوضح قائد الأمن الداخلي في محافظة حلب أن");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].3, "a title's place is context only: {got:?}");

        let got = found(&gz, &table, "Saraqib, Idlib countryside");
        assert_eq!(got.len(), 1, "{got:?}");
    }

    #[test]
    fn small_places_need_a_word_that_introduces_them() {
        let gz = Gazetteer::embedded().expect("gazetteer");
        let table = NameTable::new(&gz);
        // "باب" (door) is also a name of al-Bab; "the State" is no place
        assert!(found(&gz, &table, "فتح باب الحوار مع الدولة").is_empty());
        assert!(found(&gz, &table, "The Islamic State said").is_empty());
        assert_eq!(found(&gz, &table, "في الباب").len(), 1);
    }
}
