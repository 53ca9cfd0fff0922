//! Reading a place phrase: which words name places, and which words say how the place relates to
//! the event (near it, north of it, its countryside, its governorate, "the city").
//!
//! A phrase is read left to right. At each word the longest run of words that is a known name
//! (exactly, loosely or by skeleton) is taken; words that are not names and not relation words
//! are matched fuzzily, alone or with a neighbouring name. Relation words attach to the next
//! name of the same phrase, or to the previous one when none follows ("Idlib countryside",
//! "ريف حلب الشمالي").
//!
//! Not for: ranking places (that is `lookup`).

use super::index::{Hit, NameIndex};
use super::normalize::{
    arabic_variants, is_latin_article, latin_variants, normalize_text, words, Script, Variant,
};

/// Words that are not names but say something about the name next to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// town, village, neighbourhood, حي, منطقة: describes the place, changes nothing
    Descriptor,
    /// near, outskirts, قرب, محيط
    Near,
    /// north of, northern, شمال, الغربي
    Direction,
    /// countryside, rural, ريف
    Countryside,
    /// governorate, province, محافظة
    Governorate,
    /// capital, العاصمة
    Capital,
    /// of, in, the, في, من
    Stop,
}

fn latin_marker(w: &str) -> Option<Marker> {
    use Marker::*;
    let m = match w {
        "district" | "districts" | "town" | "towns" | "city" | "village" | "villages"
        | "neighbourhood" | "neighborhood" | "neighbourhoods" | "neighborhoods" | "area"
        | "areas" | "suburb" | "suburbs" | "quarter" | "hamlet" | "camp" | "subdistrict"
        | "municipality" | "nahiya" | "nahiyah" | "locality" | "region" => Descriptor,
        "near" | "nearby" | "outskirts" | "vicinity" | "around" | "outside" | "close"
        | "surroundings" | "environs" | "edge" | "periphery" => Near,
        "north" | "south" | "east" | "west" | "northern" | "southern" | "eastern" | "western"
        | "northwest" | "northeast" | "southwest" | "southeast" | "northwestern"
        | "northeastern" | "southwestern" | "southeastern" => Direction,
        "countryside" | "rural" | "rif" | "reef" => Countryside,
        "governorate" | "governorates" | "province" | "provinces" | "muhafazah" | "muhafazat"
        | "mohafazat" => Governorate,
        "capital" => Capital,
        "of" | "the" | "in" | "at" | "on" | "from" | "to" | "and" | "a" | "by" | "into"
        | "inside" | "within" | "between" | "towards" | "toward" => Stop,
        _ => return None,
    };
    Some(m)
}

fn arabic_marker(stem: &str) -> Option<Marker> {
    use Marker::*;
    let m = match stem {
        "منطقه" | "مناطق" | "مدينه" | "مدن" | "بلده" | "بلدات" | "قريه" | "قري" | "حي" | "احيا"
        | "ناحيه" | "مخيم" | "ضاحيه" | "حاره" | "مزرعه" | "قضا" => {
            Descriptor
        }
        "قرب" | "محيط" | "اطراف" | "ضواحي" | "مشارف" | "حول" | "جوار" | "مقربه" | "خارج" => {
            Near
        }
        "شمال" | "جنوب" | "شرق" | "غرب" | "شمالي" | "جنوبي" | "شرقي" | "غربي" | "شماليه"
        | "جنوبيه" | "شرقيه" | "غربيه" => Direction,
        "ريف" | "ارياف" | "باديه" => Countryside,
        "محافظه" | "محافظات" => Governorate,
        "عاصمه" => Capital,
        "في" | "من" | "الي" | "علي" | "عند" | "عن" | "داخل" | "بين" | "نحو" | "اتجاه" | "و"
        | "ضمن" => Stop,
        _ => return None,
    };
    Some(m)
}

/// A word of the query with its readings.
#[derive(Debug, Clone)]
struct Tok {
    variants: Vec<Variant>,
    seg: usize,
    marker: Option<Marker>,
    /// the word had an article ("the city", المدينة, الشمالي)
    article: bool,
    script: Script,
}

fn tokens(text: &str) -> Vec<Tok> {
    let ws = words(&normalize_text(text));
    let mut out: Vec<Tok> = Vec::with_capacity(ws.len());
    let mut article_next = false;
    for (i, w) in ws.iter().enumerate() {
        match w.script {
            Script::Latin => {
                let next_same = ws
                    .get(i + 1)
                    .is_some_and(|n| n.seg == w.seg && n.script == Script::Latin);
                if is_latin_article(&w.text) && next_same {
                    article_next = true;
                    continue;
                }
                let article = std::mem::take(&mut article_next);
                if w.text == "the" {
                    article_next = true;
                }
                out.push(Tok {
                    variants: latin_variants(&w.text),
                    seg: w.seg,
                    marker: latin_marker(&w.text),
                    article,
                    script: Script::Latin,
                });
            }
            Script::Arabic => {
                article_next = false;
                let variants = arabic_variants(&w.text);
                if variants.is_empty() {
                    continue;
                }
                let found = variants
                    .iter()
                    .find_map(|v| arabic_marker(&v.exact).map(|m| (m, v.article)));
                let (marker, article) = match found {
                    Some((m, a)) => (Some(m), a),
                    None => (None, variants[0].article),
                };
                out.push(Tok {
                    variants,
                    seg: w.seg,
                    marker,
                    article,
                    script: Script::Arabic,
                });
            }
        }
    }
    out
}

/// What an item of the query points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// words that name places; hits best first
    Named(Vec<Hit>),
    /// "the city", المدينة: the place the context names
    TheCity,
    /// "the capital", العاصمة, with no name after it
    TheCapital,
    /// words that look like a name but match nothing
    Unknown,
}

/// One place reference of the query, with the relation words attached to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub target: Target,
    pub markers: Vec<Marker>,
    /// the name was matched fuzzily
    pub fuzzy: bool,
    /// the exact keys the words of a named item can be read as (with and without clitics),
    /// to tell which of two names that match equally well is spelt closer to them
    pub readings: Vec<String>,
}

impl Item {
    pub fn has(&self, m: Marker) -> bool {
        self.markers.contains(&m)
    }

    /// near X, north of X, X countryside: a point for X, but not X itself
    pub fn relational(&self) -> bool {
        self.has(Marker::Near) || self.has(Marker::Direction) || self.has(Marker::Countryside)
    }
}

#[derive(Debug, Clone)]
enum Unit {
    Name {
        start: usize,
        end: usize,
        hits: Vec<Hit>,
        fuzzy: bool,
    },
    Unknown {
        start: usize,
        end: usize,
    },
    Mark(usize),
    Word(usize),
}

impl Unit {
    fn first_tok(&self) -> usize {
        match *self {
            Unit::Name { start, .. } | Unit::Unknown { start, .. } => start,
            Unit::Mark(i) | Unit::Word(i) => i,
        }
    }
}

/// Score a fuzzy name needs to swallow a neighbouring exact name ("Tell" + "Abiad").
const MERGE_MIN: f64 = super::RESOLVE_THRESHOLD;
/// Most readings tried for one span of words.
const MAX_COMBOS: usize = 64;

/// Readings of a span: exact, loose and skeleton keys with the summed penalty.
fn span_keys(toks: &[Tok]) -> Vec<(String, String, String, f64)> {
    let mut acc: Vec<(String, String, String, f64)> =
        vec![(String::new(), String::new(), String::new(), 0.0)];
    for t in toks {
        let mut next = Vec::with_capacity(acc.len() * t.variants.len());
        for (e, l, s, p) in &acc {
            for v in &t.variants {
                let mut e = e.clone();
                if !e.is_empty() {
                    e.push(' ');
                }
                e.push_str(&v.exact);
                next.push((
                    e,
                    format!("{l}{}", v.loose),
                    format!("{s}{}", v.skeleton),
                    p + v.penalty,
                ));
            }
        }
        next.sort_by(|a, b| a.3.total_cmp(&b.3));
        next.truncate(MAX_COMBOS);
        acc = next;
    }
    acc
}

fn best_per_entry(raw: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::with_capacity(raw.len());
    for h in raw {
        match out.iter_mut().find(|o| o.entry == h.entry) {
            Some(o) => o.score = o.score.max(h.score),
            None => out.push(h),
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

fn exact_span(index: &NameIndex, toks: &[Tok]) -> Vec<Hit> {
    let mut raw = Vec::new();
    let mut tmp = Vec::new();
    for (e, l, s, p) in span_keys(toks) {
        tmp.clear();
        index.exact_hits(&e, &l, &s, &mut tmp);
        raw.extend(tmp.iter().map(|h| Hit {
            entry: h.entry,
            score: h.score - p,
        }));
    }
    best_per_entry(raw)
}

fn fuzzy_span(index: &NameIndex, toks: &[Tok]) -> Vec<Hit> {
    let mut raw = Vec::new();
    let mut tmp = Vec::new();
    for (_, l, _, p) in span_keys(toks) {
        tmp.clear();
        index.fuzzy_hits(&l, &mut tmp);
        raw.extend(tmp.iter().map(|h| Hit {
            entry: h.entry,
            score: h.score - p,
        }));
    }
    best_per_entry(raw)
}

fn top(hits: &[Hit]) -> f64 {
    hits.first().map_or(0.0, |h| h.score)
}

/// Can the span `start..end` be a name at all?
fn nameable(toks: &[Tok], start: usize, end: usize) -> bool {
    let span = &toks[start..end];
    if span.iter().any(|t| t.seg != toks[start].seg) {
        return false;
    }
    let is_stop = |t: &Tok| t.marker == Some(Marker::Stop);
    if is_stop(&span[0]) || is_stop(&span[span.len() - 1]) {
        return false;
    }
    if span.len() == 1 {
        let t = &span[0];
        let letters = t.variants[0].exact.chars().count();
        return t.marker.is_none() && (letters >= 2 || t.script == Script::Arabic);
    }
    span.iter().any(|t| t.marker.is_none())
}

fn segment(index: &NameIndex, toks: &[Tok]) -> Vec<Unit> {
    let max_words = index.max_words.max(1);
    let mut units = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut found = None;
        for len in (1..=max_words.min(toks.len() - i)).rev() {
            if !nameable(toks, i, i + len) {
                continue;
            }
            let hits = exact_span(index, &toks[i..i + len]);
            if !hits.is_empty() {
                found = Some((len, hits));
                break;
            }
        }
        match found {
            Some((len, hits)) => {
                units.push(Unit::Name {
                    start: i,
                    end: i + len,
                    hits,
                    fuzzy: false,
                });
                i += len;
            }
            None => {
                units.push(if toks[i].marker.is_some() {
                    Unit::Mark(i)
                } else {
                    Unit::Word(i)
                });
                i += 1;
            }
        }
    }
    fuzzy_runs(index, toks, units)
}

/// Replaces each run of unknown words by its best fuzzy name, or by `Unknown`.
fn fuzzy_runs(index: &NameIndex, toks: &[Tok], units: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let Unit::Word(a) = units[k] else {
            out.push(units[k].clone());
            k += 1;
            continue;
        };
        let mut b = a + 1;
        let mut next = k + 1;
        while let Some(Unit::Word(w)) = units.get(next) {
            if *w != b || toks[*w].seg != toks[a].seg {
                break;
            }
            b += 1;
            next += 1;
        }
        // a neighbouring exact name may be the end or the start of a misspelt longer name
        let right = match units.get(next) {
            Some(Unit::Name {
                start,
                end,
                fuzzy: false,
                ..
            }) if *start == b && toks[*start].seg == toks[a].seg => Some(*end),
            _ => None,
        };
        let left = match out.last() {
            Some(Unit::Name {
                start,
                end,
                fuzzy: false,
                ..
            }) if *end == a && toks[*start].seg == toks[a].seg => Some(*start),
            _ => None,
        };
        if let Some(end) = right {
            let hits = fuzzy_span(index, &toks[a..end]);
            if top(&hits) >= MERGE_MIN {
                out.push(Unit::Name {
                    start: a,
                    end,
                    hits,
                    fuzzy: true,
                });
                k = next + 1;
                continue;
            }
        }
        if let Some(start) = left {
            let hits = fuzzy_span(index, &toks[start..b]);
            if top(&hits) >= MERGE_MIN {
                out.pop();
                out.push(Unit::Name {
                    start,
                    end: b,
                    hits,
                    fuzzy: true,
                });
                k = next;
                continue;
            }
        }
        // best sub-span of the run; longer spans win ties
        let mut best: Option<(usize, usize, Vec<Hit>)> = None;
        for s in a..b {
            for e in (s + 1)..=(b.min(s + 4)) {
                let hits = fuzzy_span(index, &toks[s..e]);
                let better = match &best {
                    None => !hits.is_empty(),
                    Some((bs, be, bh)) => {
                        top(&hits) > top(bh) + 1e-9
                            || ((top(&hits) - top(bh)).abs() < 1e-9 && e - s > be - bs)
                    }
                };
                if better {
                    best = Some((s, e, hits));
                }
            }
        }
        match best {
            Some((s, e, hits)) => {
                if s > a {
                    out.push(Unit::Unknown { start: a, end: s });
                }
                out.push(Unit::Name {
                    start: s,
                    end: e,
                    hits,
                    fuzzy: true,
                });
                if e < b {
                    out.push(Unit::Unknown { start: e, end: b });
                }
            }
            None => out.push(Unit::Unknown { start: a, end: b }),
        }
        k = next;
    }
    glued_words(index, toks, &mut out);
    out
}

/// Factor for a name glued to an unknown word: the name may be part of a longer one.
const GLUED: f64 = 0.9;
/// … and when the second word has an article, as in "Bab al-Hawa" or "باب الهوى", it almost
/// certainly is; so it is too when the name is one short word followed by an unknown one
/// ("Tal Afar", "تل عفر"): short words (tell, gate, spring, cape…) begin many longer names.
const GLUED_WITH_ARTICLE: f64 = 0.7;
/// Letters at most in a one-word name that counts as short above.
const SHORT_NAME: usize = 3;

/// Lowers the hits of names that touch unknown words of the same phrase. Words that only name
/// places abroad count as unknown here: a Syrian name glued to them is as likely part of a
/// longer name ("Khan al-Assal" is not Khan next to Oslo).
fn glued_words(index: &NameIndex, toks: &[Tok], units: &mut [Unit]) {
    let spans: Vec<Option<(usize, usize)>> = units
        .iter()
        .map(|u| match u {
            Unit::Unknown { start, end } => Some((*start, *end)),
            Unit::Name {
                start, end, hits, ..
            } if hits.iter().all(|h| index.entry(h.entry).kind.is_foreign()) => {
                Some((*start, *end))
            }
            // a word that only resembles a name is as good as unknown
            Unit::Name {
                start,
                end,
                hits,
                fuzzy: true,
            } if hits.iter().all(|h| h.score < super::RESOLVE_THRESHOLD) => Some((*start, *end)),
            _ => None,
        })
        .collect();
    for (k, unit) in units.iter_mut().enumerate() {
        let Unit::Name {
            start, end, hits, ..
        } = unit
        else {
            continue;
        };
        let (start, end) = (*start, *end);
        let seg = toks[start].seg;
        let mut factor = 1.0;
        let short = end == start + 1
            && toks[start]
                .variants
                .iter()
                .all(|v| v.exact.chars().count() <= SHORT_NAME);
        if let Some(Some((us, _))) = spans.get(k + 1) {
            if *us == end && toks[*us].seg == seg {
                factor *= if toks[*us].article || short {
                    GLUED_WITH_ARTICLE
                } else {
                    GLUED
                };
            }
        }
        if let Some(Some((_, ue))) = k.checked_sub(1).and_then(|p| spans.get(p)) {
            if *ue == start && toks[start].seg == seg {
                factor *= if toks[start].article {
                    GLUED_WITH_ARTICLE
                } else {
                    GLUED
                };
            }
        }
        if factor < 1.0 {
            for h in hits.iter_mut() {
                h.score *= factor;
            }
        }
    }
}

/// Is a name (or unknown word) the next unit of the same phrase, past stop words and
/// descriptors?
fn name_follows(units: &[Unit], toks: &[Tok], k: usize) -> bool {
    let seg = toks[units[k].first_tok()].seg;
    for u in &units[k + 1..] {
        if toks[u.first_tok()].seg != seg {
            return false;
        }
        match u {
            Unit::Name { .. } | Unit::Unknown { .. } | Unit::Word(_) => return true,
            Unit::Mark(i) => {
                if !matches!(
                    toks[*i].marker,
                    Some(Marker::Stop | Marker::Descriptor | Marker::Capital)
                ) {
                    return false;
                }
            }
        }
    }
    false
}

/// The place references of `text`, in order, with their relation words.
pub fn read(index: &NameIndex, text: &str) -> Vec<Item> {
    let toks = tokens(text);
    let units = segment(index, &toks);
    let mut items: Vec<Item> = Vec::new();
    let mut pending: Vec<Marker> = Vec::new();
    let mut seg_start = 0; // first item of the current phrase
    let mut cur_seg = None;
    for (k, u) in units.iter().enumerate() {
        let seg = toks[u.first_tok()].seg;
        if cur_seg != Some(seg) {
            attach_leftover(&mut items, seg_start, &mut pending);
            cur_seg = Some(seg);
            seg_start = items.len();
        }
        let item = |target: Target, fuzzy: bool, pending: &mut Vec<Marker>| Item {
            target,
            markers: std::mem::take(pending),
            fuzzy,
            readings: Vec::new(),
        };
        match u {
            Unit::Name {
                start,
                end,
                hits,
                fuzzy,
            } => {
                let mut it = item(Target::Named(hits.clone()), *fuzzy, &mut pending);
                it.readings = span_keys(&toks[*start..*end])
                    .into_iter()
                    .map(|(exact, ..)| exact)
                    .collect();
                items.push(it);
            }
            Unit::Unknown { .. } | Unit::Word(_) => {
                items.push(item(Target::Unknown, false, &mut pending))
            }
            Unit::Mark(i) => {
                let t = &toks[*i];
                let Some(m) = t.marker else { continue };
                let follows = name_follows(&units, &toks, k);
                match m {
                    Marker::Stop => {}
                    // الشمالي, الغربي: an adjective of the name before it
                    Marker::Direction if t.article && t.script == Script::Arabic => {
                        match items.get_mut(seg_start..).and_then(|s| s.last_mut()) {
                            Some(prev) => prev.markers.push(m),
                            None => pending.push(m),
                        }
                    }
                    Marker::Descriptor if t.article && !follows => {
                        items.push(item(Target::TheCity, false, &mut pending))
                    }
                    Marker::Capital if !follows => {
                        items.push(item(Target::TheCapital, false, &mut pending))
                    }
                    _ => pending.push(m),
                }
            }
        }
    }
    attach_leftover(&mut items, seg_start, &mut pending);
    items
}

/// Relation words left at the end of a phrase belong to its last name ("Idlib countryside").
fn attach_leftover(items: &mut [Item], seg_start: usize, pending: &mut Vec<Marker>) {
    if pending.is_empty() {
        return;
    }
    if let Some(prev) = items.get_mut(seg_start..).and_then(|s| s.last_mut()) {
        prev.markers.append(pending);
    }
    pending.clear();
}

/// Which item of the query is the place asked for, and whether it was only reached through a
/// relation word after an unknown name ("qwxzy near Idlib" → near Idlib).
pub fn main_item(items: &[Item]) -> Option<(usize, bool)> {
    let first = items.first()?;
    // a word matched only weakly is as good as unknown ("قرية صغيرة قرب سراقب")
    let unknown = match &first.target {
        Target::Unknown => true,
        Target::Named(hits) => {
            first.fuzzy
                && hits
                    .first()
                    .is_none_or(|h| h.score < super::RESOLVE_THRESHOLD)
        }
        Target::TheCity | Target::TheCapital => false,
    };
    if !unknown {
        return Some((0, false));
    }
    items
        .iter()
        .position(|it| matches!(it.target, Target::Named(_)) && it.relational())
        .map(|i| (i, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::index::NameKind;

    fn fixture() -> NameIndex {
        let mut ix = NameIndex::default();
        for (p, n) in [
            (0, "Saraqib"),
            (0, "سراقب"),
            (1, "Idlib"),
            (1, "إدلب"),
            (2, "البدروسية"),
            (3, "اللاذقية"),
            (4, "الدانا"),
            (5, "Tal Abyad"),
            (6, "Abyad"),
            (7, "دير الزور"),
            (8, "ريف دمشق"),
        ] {
            ix.add(p, n, NameKind::Name);
        }
        ix.add(9, "ريف إدلب", NameKind::Countryside);
        ix.add(9, "محافظة إدلب", NameKind::Governorate);
        ix.add(10, "ريف دير الزور", NameKind::Countryside);
        ix
    }

    fn places(ix: &NameIndex, it: &Item) -> Vec<usize> {
        match &it.target {
            Target::Named(h) => h.iter().map(|h| ix.entry(h.entry).place).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn main_place_then_context() {
        let ix = fixture();
        let items = read(&ix, "البدروسية بريف اللاذقية الشمالي");
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(places(&ix, &items[0]), vec![2]);
        assert!(items[0].markers.is_empty());
        assert_eq!(places(&ix, &items[1]), vec![3]);
        assert!(items[1].has(Marker::Countryside) && items[1].has(Marker::Direction));
    }

    #[test]
    fn direction_words_attach_forward_adjectives_backward() {
        let ix = fixture();
        let items = read(&ix, "الدانا شمال إدلب");
        assert_eq!(places(&ix, &items[0]), vec![4]);
        assert!(items[0].markers.is_empty());
        assert!(items[1].has(Marker::Direction));
        let items = read(&ix, "Saraqib, Idlib countryside");
        assert!(items[1].has(Marker::Countryside));
        let items = read(&ix, "ريف دير الزور الشمالي");
        assert_eq!(items.len(), 1);
        assert_eq!(places(&ix, &items[0]), vec![10]);
        assert!(items[0].has(Marker::Direction));
    }

    #[test]
    fn descriptors_and_the_city() {
        let ix = fixture();
        let items = read(&ix, "مدينة سراقب بريف إدلب");
        assert_eq!(places(&ix, &items[0]), vec![0]);
        assert_eq!(items[0].markers, vec![Marker::Descriptor]);
        let items = read(&ix, "غربي المدينة");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].target, Target::TheCity);
        assert!(items[0].relational());
        let items = read(&ix, "west of the city");
        assert_eq!(items[0].target, Target::TheCity);
        let items = read(&ix, "in the town of Saraqib");
        assert_eq!(places(&ix, &items[0]), vec![0]);
        let items = read(&ix, "بالعاصمة");
        assert_eq!(items[0].target, Target::TheCapital);
    }

    #[test]
    fn fuzzy_words_may_swallow_a_neighbouring_name() {
        let ix = fixture();
        let items = read(&ix, "Tell Abiad");
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(places(&ix, &items[0])[0], 5);
        let items = read(&ix, "Saraqeeb");
        assert_eq!(places(&ix, &items[0]), vec![0]);
    }

    #[test]
    fn a_name_glued_to_an_unknown_word_loses_confidence() {
        let mut ix = fixture();
        ix.add(11, "Al Bab", NameKind::Name);
        ix.add(11, "الباب", NameKind::Name);
        let top = |q: &str| match &read(&ix, q)[0].target {
            Target::Named(h) => h[0].score,
            other => panic!("{q}: {other:?}"),
        };
        assert_eq!(top("Al Bab"), 1.0);
        // "Bab al-Hawa" is a border crossing, not al-Bab with a stray word
        assert!(top("Bab al-Hawa") <= GLUED_WITH_ARTICLE + 1e-9);
        assert!(top("باب الهوى") <= GLUED_WITH_ARTICLE + 1e-9);
        assert!((top("Saraqib yesterday") - GLUED).abs() < 1e-9);
        // a one-word name of three letters before an unknown word is the start of a longer name
        assert!(top("Bab yesterday") <= GLUED_WITH_ARTICLE + 1e-9);
        // a word that only names a place abroad is as unknown as "yesterday" here
        let mut ix = fixture();
        ix.add(0, "Oslo", NameKind::Foreign { own: true });
        let Target::Named(hits) = &read(&ix, "Saraqib Oslo")[0].target else {
            panic!("Saraqib is a name");
        };
        assert!((hits[0].score - GLUED).abs() < 1e-9, "{hits:?}");
    }

    #[test]
    fn unknown_first_name_is_not_replaced_by_context() {
        let ix = fixture();
        let items = read(&ix, "qwxzy, Idlib");
        assert_eq!(items[0].target, Target::Unknown);
        assert_eq!(main_item(&items), None);
        let items = read(&ix, "qwxzy near Idlib");
        assert_eq!(main_item(&items), Some((1, true)));
        let items = read(&ix, "قرية صغيرة قرب سراقب");
        assert_eq!(main_item(&items), Some((items.len() - 1, true)));
        assert!(read(&ix, "").is_empty());
        assert!(read(&ix, "...").is_empty());
    }
}
