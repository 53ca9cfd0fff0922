//! Dates in Arabic and English: days with a month (`24 نوفمبر`, `٢٤ تشرين الثاني`, `November
//! 24, 2025`), ordinal words (`الثالث عشر من نوفمبر`), spans (`بين 24 و27 نوفمبر`, `between 24
//! and 27 November`, `24-27 Nov`), vague phrases with ACLED's time_precision (`بداية ديسمبر`,
//! `early December`, `الأسبوع الأخير من نوفمبر`, `mid-January`), a month alone, and days
//! relative to the publication date (`yesterday`, `أمس`, `on Tuesday`).
//!
//! A date without a year takes the year of the last dated mention before it, else the
//! publication year (the year before when the month is later than the publication's).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::text::Tok;

/// A date phrase found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// token range in the sentence
    pub first: usize,
    pub last: usize,
    pub month: u32,
    pub day: u32,
    pub end_day: Option<u32>,
    pub year: Option<i32>,
    /// 1 day known · 2 week known · 3 only month known
    pub precision: u8,
    /// `since March 2019`, `منذ 2014`: a time before the event, not its date
    pub since: bool,
    /// set when the mention is relative to the publication date
    pub relative: Option<(NaiveDate, Option<NaiveDate>)>,
}

impl DateMention {
    /// The dates, once the year is known: (first day, last day of a span).
    pub fn resolve(&self, year: i32) -> Option<(NaiveDate, Option<NaiveDate>)> {
        if let Some(r) = self.relative {
            return Some(r);
        }
        let year = self.year.unwrap_or(year);
        let day = self.day.min(month_len(year, self.month)?);
        let first = NaiveDate::from_ymd_opt(year, self.month, day)?;
        let end = match self.end_day {
            Some(e) if e > day => NaiveDate::from_ymd_opt(year, self.month, e),
            _ => None,
        };
        Some((first, end))
    }
}

pub fn month_len(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((next - first).num_days() as u32)
}

/// Month at token `i`: (month, tokens used). Arabic Levantine names take two words.
fn month_at(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let t = toks.get(i)?;
    let next = toks.get(i + 1);
    let next_is = |s: &str| next.is_some_and(|n| n.is(s) || n.norm == s);
    for s in &t.stems {
        let m = match s.as_str() {
            "يناير" => 1,
            "فبراير" | "شباط" => 2,
            "مارس" | "اذار" => 3,
            "ابريل" | "افريل" | "نيسان" => 4,
            "مايو" | "ايار" => 5,
            "يونيو" | "يونيه" | "حزيران" => 6,
            "يوليو" | "يوليه" | "تموز" => 7,
            "اغسطس" | "اب" => 8,
            "سبتمبر" | "ايلول" => 9,
            "اكتوبر" => 10,
            "نوفمبر" => 11,
            "ديسمبر" => 12,
            "كانون" if next_is("الثاني") || next_is("ثاني") => return Some((1, 2)),
            "كانون" if next_is("الاول") || next_is("اول") => return Some((12, 2)),
            "تشرين" if next_is("الثاني") || next_is("ثاني") => return Some((11, 2)),
            "تشرين" if next_is("الاول") || next_is("اول") => return Some((10, 2)),
            "january" | "jan" => 1,
            "february" | "feb" => 2,
            "march" | "mar" => 3,
            "april" | "apr" => 4,
            "may" if t.capitalised() => 5,
            "june" | "jun" => 6,
            "july" | "jul" => 7,
            "august" | "aug" => 8,
            "september" | "sep" | "sept" => 9,
            "october" | "oct" => 10,
            "november" | "nov" => 11,
            "december" | "dec" => 12,
            _ => continue,
        };
        // "آب" (August) is also "father": only next to a number
        if m == 8 && s == "اب" {
            let num_before = i > 0 && toks[i - 1].is_number();
            let num_after = next.is_some_and(|n| n.is_number());
            if !num_before && !num_after {
                return None;
            }
        }
        return Some((m, 1));
    }
    None
}

/// A month, and the other calendar's name after a slash (`نوفمبر/تشرين الثاني`).
fn month_with_alias(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let (m, n) = month_at(toks, i)?;
    match month_at(toks, i + n) {
        Some((m2, n2)) if m2 == m => Some((m, n + n2)),
        _ => Some((m, n)),
    }
}

fn year_at(toks: &[Tok], i: usize) -> Option<i32> {
    let n = toks.get(i)?.number()?;
    (1900..=2100).contains(&n).then_some(n as i32)
}

fn day_at(toks: &[Tok], i: usize) -> Option<u32> {
    let n = toks.get(i)?.number()?;
    (1..=31).contains(&n).then_some(n)
}

const ORDINAL_UNITS: &[(&str, u32)] = &[
    ("اول", 1),
    ("حادي", 1),
    ("ثاني", 2),
    ("ثالث", 3),
    ("رابع", 4),
    ("خامس", 5),
    ("سادس", 6),
    ("سابع", 7),
    ("ثامن", 8),
    ("تاسع", 9),
    ("عاشر", 10),
];

const LATIN_ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

fn stem_in(t: &Tok, table: &[(&str, u32)]) -> Option<u32> {
    t.stems
        .iter()
        .find_map(|s| table.iter().find(|(w, _)| w == s).map(|(_, v)| *v))
}

/// Arabic ordinal day words: الثالث, الثالث عشر, العشرين, الحادي والعشرين, الثلاثين.
fn arabic_ordinal(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let t = toks.get(i)?;
    if t.is("عشرين") {
        return Some((20, 1));
    }
    if t.is("ثلاثين") {
        return Some((30, 1));
    }
    let unit = stem_in(t, ORDINAL_UNITS)?;
    if let Some(n) = toks.get(i + 1) {
        if unit < 10 && (n.is("عشر") || n.norm == "عشر") {
            return Some((unit + 10, 2));
        }
        if n.is("عشرين") || n.norm == "والعشرين" {
            return Some((unit + 20, 2));
        }
        if n.is("ثلاثين") || n.norm == "والثلاثين" {
            return Some((unit + 30, 2));
        }
    }
    if t.norm.starts_with("حادي") || t.is("حادي") {
        return None;
    }
    Some((unit, 1))
}

fn latin_ordinal(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    let t = toks.get(i)?;
    let v = stem_in(t, LATIN_ORDINALS)?;
    // "twenty-first"
    if v < 10 && i > 0 && toks[i - 1].norm == "twenty" && toks[i - 1].hyphen_after {
        return None;
    }
    if v == 20 || v == 30 {
        if let Some(n) = toks.get(i + 1) {
            if t.hyphen_after {
                if let Some(u) = stem_in(n, LATIN_ORDINALS).filter(|u| *u < 10) {
                    return Some((v + u, 2));
                }
            }
        }
    }
    Some((v, 1))
}

fn ordinal_day(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    if let Some(d) = day_at(toks, i) {
        // "24th"
        let suffix = toks
            .get(i + 1)
            .is_some_and(|n| matches!(n.norm.as_str(), "th" | "st" | "nd" | "rd"));
        return Some((d, if suffix { 2 } else { 1 }));
    }
    arabic_ordinal(toks, i).or_else(|| latin_ordinal(toks, i))
}

fn is_of(t: Option<&Tok>) -> bool {
    t.is_some_and(|t| t.norm == "of" || t.is("من"))
}

fn is_and(t: Option<&Tok>) -> bool {
    t.is_some_and(|t| {
        matches!(
            t.norm.as_str(),
            "and" | "to" | "until" | "till" | "through" | "و" | "حتي" | "الي"
        )
    })
}

/// Vague position in a month: (day, precision, tokens used) for the words before the month.
fn vague_at(toks: &[Tok], i: usize) -> Option<(u32, u32, u8, usize)> {
    // (first day, last day or 0 for the month's end - 6, precision, tokens)
    let t = toks.get(i)?;
    let n1 = toks.get(i + 1);
    let one = |s: &str| t.is(s);
    // English
    match t.norm.as_str() {
        "early" | "beginning" | "start" => return Some((1, 0, 2, 1)),
        "mid" | "middle" => return Some((15, 0, 2, 1)),
        "late" | "end" => return Some((99, 0, 2, 1)),
        "first" | "second" if n1.is_some_and(|n| n.norm == "half") => {
            let day = if t.norm == "first" { 1 } else { 16 };
            return Some((day, 0, 3, 2));
        }
        "first" | "second" | "third" | "fourth" | "last" | "final"
            if n1.is_some_and(|n| n.norm == "week") =>
        {
            let day = match t.norm.as_str() {
                "first" => 1,
                "second" => 8,
                "third" => 15,
                "fourth" => 22,
                _ => 99,
            };
            return Some((day, 0, 2, 2));
        }
        _ => {}
    }
    // Arabic
    if one("بدايه") || one("مطلع") || one("اوائل") {
        return Some((1, 0, 2, 1));
    }
    if one("منتصف") || one("اواسط") {
        return Some((15, 0, 2, 1));
    }
    if one("نهايه") || one("اواخر") || one("اخر") && !n1.is_some_and(|n| n.is("اسبوع"))
    {
        return Some((99, 0, 2, 1));
    }
    if one("اسبوع") {
        let day = match n1.map(|n| n.stems.clone()).unwrap_or_default() {
            s if s.iter().any(|x| x == "اول") => 1,
            s if s.iter().any(|x| x == "ثاني") => 8,
            s if s.iter().any(|x| x == "ثالث") => 15,
            s if s.iter().any(|x| x == "رابع") => 22,
            s if s.iter().any(|x| x == "اخير") => 99,
            _ => return None,
        };
        return Some((day, 0, 2, 2));
    }
    if one("نصف") {
        let day = match n1.map(|n| n.stems.clone()).unwrap_or_default() {
            s if s.iter().any(|x| x == "اول") => 1,
            s if s.iter().any(|x| x == "ثاني") => 16,
            _ => return None,
        };
        return Some((day, 0, 3, 2));
    }
    None
}

/// All date phrases of a sentence, left to right.
pub fn find(toks: &[Tok], published: Option<NaiveDate>) -> Vec<DateMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some((m, next)) = at(toks, i, published) {
            out.push(m);
            i = next.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn since_before(toks: &[Tok], i: usize) -> bool {
    (i.saturating_sub(2)..i).any(|j| {
        let t = &toks[j];
        t.is("منذ") || matches!(t.norm.as_str(), "since")
    })
}

fn mention(
    toks: &[Tok],
    first: usize,
    last: usize,
    (month, day, end_day): (u32, u32, Option<u32>),
    year: Option<i32>,
    precision: u8,
) -> DateMention {
    DateMention {
        first,
        last,
        month,
        day,
        end_day,
        year,
        precision,
        since: since_before(toks, first),
        relative: None,
    }
}

/// Month (with alias) and optional year starting at `i`: (month, year, next index).
fn month_year(toks: &[Tok], i: usize) -> Option<(u32, Option<i32>, usize)> {
    let (m, n) = month_with_alias(toks, i)?;
    let mut j = i + n;
    // "November 24, 2025" is handled by the caller; here "نوفمبر 2025", "November of 2025"
    let year = year_at(toks, j).or_else(|| {
        if toks.get(j).is_some_and(|t| t.norm == "of") {
            year_at(toks, j + 1).inspect(|_| j += 1)
        } else {
            None
        }
    });
    if year.is_some() {
        j += 1;
    }
    Some((m, year, j))
}

fn at(toks: &[Tok], i: usize, published: Option<NaiveDate>) -> Option<(DateMention, usize)> {
    // day [and day] [of] month [year]
    if let Some((d, n)) = ordinal_day(toks, i) {
        let mut j = i + n;
        let mut end_day = None;
        if is_and(toks.get(j)) || toks[j - 1].hyphen_after {
            let k = if toks[j - 1].hyphen_after && !is_and(toks.get(j)) {
                j
            } else {
                j + 1
            };
            if let Some((d2, n2)) = ordinal_day(toks, k) {
                if d2 > d
                    && month_at(toks, k + n2)
                        .or_else(|| {
                            is_of(toks.get(k + n2))
                                .then(|| month_at(toks, k + n2 + 1))
                                .flatten()
                        })
                        .is_some()
                {
                    end_day = Some(d2);
                    j = k + n2;
                }
            }
        }
        if is_of(toks.get(j)) && month_at(toks, j + 1).is_some() {
            j += 1;
        }
        if let Some((m, year, next)) = month_year(toks, j) {
            return Some((mention(toks, i, next - 1, (m, d, end_day), year, 1), next));
        }
    }
    // month day[-day][, year]  (English)
    if let Some((m, n)) = month_with_alias(toks, i) {
        let j = i + n;
        if let Some((d, dn)) = ordinal_day(toks, j) {
            let mut k = j + dn;
            let mut end_day = None;
            if is_and(toks.get(k)) || toks[k - 1].hyphen_after {
                let s = if is_and(toks.get(k)) { k + 1 } else { k };
                if let Some(d2) = day_at(toks, s).filter(|d2| *d2 > d) {
                    end_day = Some(d2);
                    k = s + 1;
                }
            }
            let year = year_at(toks, k);
            let next = if year.is_some() { k + 1 } else { k };
            return Some((mention(toks, i, next - 1, (m, d, end_day), year, 1), next));
        }
        // month alone: only with a year or after "in/during/في/خلال"
        let (_, year, next) = month_year(toks, i)?;
        let intro = i > 0
            && (toks[i - 1].is("في")
                || toks[i - 1].is("خلال")
                || matches!(toks[i - 1].norm.as_str(), "in" | "during" | "since"));
        if year.is_some() || intro {
            return Some((mention(toks, i, next - 1, (m, 1, None), year, 3), next));
        }
        return None;
    }
    // vague: early/mid/late/last week of/first half of + [of] month [year]
    if let Some((day, _, precision, n)) = vague_at(toks, i) {
        let mut j = i + n;
        if is_of(toks.get(j)) || toks.get(j).is_some_and(|t| t.norm == "the") {
            j += 1;
        }
        if is_of(toks.get(j)) {
            j += 1;
        }
        if let Some((m, year, next)) = month_year(toks, j) {
            return Some((
                mention(toks, i, next - 1, (m, day, None), year, precision),
                next,
            ));
        }
    }
    relative_at(toks, i, published?)
}

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
    ("اثنين", Weekday::Mon),
    ("ثلاثا", Weekday::Tue),
    ("اربعا", Weekday::Wed),
    ("خميس", Weekday::Thu),
    ("جمعه", Weekday::Fri),
    ("سبت", Weekday::Sat),
    ("احد", Weekday::Sun),
];

fn relative_at(toks: &[Tok], i: usize, published: NaiveDate) -> Option<(DateMention, usize)> {
    let t = &toks[i];
    let rel = |first: NaiveDate, end: Option<NaiveDate>, precision: u8, n: usize| {
        Some((
            DateMention {
                first: i,
                last: i + n - 1,
                month: first.month(),
                day: first.day(),
                end_day: None,
                year: Some(first.year()),
                precision,
                since: false,
                relative: Some((first, end)),
            },
            i + n,
        ))
    };
    let next = toks.get(i + 1);
    let prev = i.checked_sub(1).map(|j| &toks[j]);
    if t.norm == "yesterday" || t.is("امس") {
        // "أمس الثلاثاء": the weekday names the same day
        let n = if next.is_some_and(|n| weekday(n).is_some()) {
            2
        } else {
            1
        };
        return rel(published - Duration::days(1), None, 1, n);
    }
    // "today", "صباح اليوم" (not "في اليوم التالي", "حتى اليوم", "منذ اليوم")
    if t.norm == "today"
        || t.norm == "اليوم"
            && !next.is_some_and(|n| n.is("تالي") || n.is("التالي"))
            && !prev.is_some_and(|p| p.is("حتي") || p.is("منذ") || p.norm == "في")
    {
        return rel(published, None, 1, 1);
    }
    // "early this month", "مطلع الشهر الجاري", "أواخر الشهر الماضي": vague, by the week
    if let Some((day, _, _, n)) = vague_at(toks, i) {
        let mut j = i + n;
        if toks.get(j).is_some_and(|t| t.norm == "of") {
            j += 1;
        }
        if let Some((back, m)) = this_or_last_month(toks, j) {
            let month_start = NaiveDate::from_ymd_opt(published.year(), published.month(), 1)?;
            let start = if back {
                month_start.checked_sub_months(chrono::Months::new(1))?
            } else {
                month_start
            };
            let len = month_len(start.year(), start.month())?;
            let day = if day == 99 {
                len.saturating_sub(6)
            } else {
                day.min(len)
            };
            let first = NaiveDate::from_ymd_opt(start.year(), start.month(), day)?;
            // never after the reference date
            let first = first.min(published);
            return rel(first, None, 2, j - i + m);
        }
    }
    if (t.norm == "last" && next.is_some_and(|n| n.norm == "week"))
        || (t.is("اسبوع") && next.is_some_and(|n| n.is("ماضي")))
    {
        let start = published - Duration::days(7);
        return rel(start, Some(published - Duration::days(1)), 2, 2);
    }
    // "on Tuesday", "يوم الثلاثاء", "مساء الثلاثاء", "صباح الإثنين": the last such day on or
    // before the reference date; "الثلاثاء الماضي", "last Tuesday": before it
    let intro =
        prev.is_some_and(|p| p.norm == "on" || p.is("يوم") || PART_OF_DAY.iter().any(|w| p.is(w)));
    let past = next.is_some_and(|n| n.is("ماضي"));
    let last = prev.is_some_and(|p| p.norm == "last");
    if intro || past || last {
        if let Some(wd) = weekday(t) {
            let mut back =
                (published.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
            if back == 0 && (past || last) {
                back = 7;
            }
            return rel(
                published - Duration::days(back as i64),
                None,
                1,
                1 + usize::from(past),
            );
        }
    }
    None
}

/// Words for a part of the day before a weekday (`مساء الثلاثاء`, `فجر الجمعة`).
const PART_OF_DAY: &[&str] = &[
    "صباح",
    "مسا",
    "مساء",
    "ظهر",
    "فجر",
    "ليل",
    "ليله",
    "عصر",
    "ظهيره",
];

fn weekday(t: &Tok) -> Option<Weekday> {
    t.stems
        .iter()
        .find_map(|s| WEEKDAYS.iter().find(|(w, _)| w == s).map(|(_, d)| *d))
}

/// "this month", "the current month", "الشهر الجاري/الحالي" (false) or "last month", "الشهر
/// الماضي" (true) at `j`, with the number of words.
fn this_or_last_month(toks: &[Tok], j: usize) -> Option<(bool, usize)> {
    let a = toks.get(j)?;
    let b = toks.get(j + 1);
    if a.is("شهر") {
        let b = b?;
        if b.is("جاري") || b.is("حالي") {
            return Some((false, 2));
        }
        if b.is("ماضي") || b.is("فائت") || b.is("منصرم") {
            return Some((true, 2));
        }
        return None;
    }
    let (a, k) = if a.norm == "the" { (b?, j + 1) } else { (a, j) };
    let c = toks.get(k + 1)?;
    if c.norm != "month" {
        return None;
    }
    match a.norm.as_str() {
        "this" | "current" => Some((false, k + 2 - j)),
        "last" | "previous" => Some((true, k + 2 - j)),
        _ => None,
    }
}

/// Resolves the vague "last week"/"end of" day (99) once the year is known.
pub fn fix_month_end(m: &mut DateMention, year: i32) {
    if m.day == 99 {
        let y = m.year.unwrap_or(year);
        m.day = month_len(y, m.month).unwrap_or(28).saturating_sub(6);
    }
}

/// The year for a mention without one: the context year, else the publication's (the year
/// before when the month lies after the publication month).
pub fn infer_year(
    m: &DateMention,
    context_year: Option<i32>,
    published: Option<NaiveDate>,
) -> Option<i32> {
    if let Some(y) = m.year {
        return Some(y);
    }
    if let Some(y) = context_year {
        return Some(y);
    }
    let p = published?;
    Some(if m.month > p.month() {
        p.year() - 1
    } else {
        p.year()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::words;

    fn one(text: &str) -> (NaiveDate, Option<NaiveDate>, u8) {
        let toks = words(text, 0, text.len());
        let found = find(&toks, NaiveDate::from_ymd_opt(2025, 12, 10));
        let mut m = found
            .first()
            .unwrap_or_else(|| panic!("no date in {text:?}"))
            .clone();
        fix_month_end(&mut m, 2025);
        let (a, b) = m.resolve(m.year.unwrap_or(2025)).expect("valid date");
        (a, b, m.precision)
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn relative_to_the_reference_date() {
        // the reference is Wednesday 10 December 2025
        for (text, first, precision) in [
            ("مساء أمس الثلاثاء", "2025-12-09", 1),
            ("صباح اليوم", "2025-12-10", 1),
            ("مساء الإثنين", "2025-12-08", 1),
            ("الأربعاء الماضي", "2025-12-03", 1),
            ("last Wednesday", "2025-12-03", 1),
            ("late on Tuesday", "2025-12-09", 1),
            ("مطلع الشهر الجاري", "2025-12-01", 2),
            ("منتصف الشهر الجاري", "2025-12-10", 2),
            ("أواخر الشهر الماضي", "2025-11-24", 2),
            ("early this month", "2025-12-01", 2),
            ("in mid-last month", "2025-11-15", 2),
        ] {
            assert_eq!(one(text), (d(first), None, precision), "{text}");
        }
        // "the next day" and "until today" are not today
        for text in ["في اليوم التالي", "حتى اليوم"] {
            let toks = words(text, 0, text.len());
            assert!(find(&toks, NaiveDate::from_ymd_opt(2025, 12, 10)).is_empty());
        }
    }

    #[test]
    fn arabic_and_english_dates() {
        let cases: &[(&str, &str, Option<&str>, u8)] = &[
            ("في 24 نوفمبر 2025، أعلنت", "2025-11-24", None, 1),
            ("في ٢٤ تشرين الثاني ٢٠٢٥", "2025-11-24", None, 1),
            (
                "في الثالث عشر من نوفمبر/تشرين الثاني 2025",
                "2025-11-13",
                None,
                1,
            ),
            ("في العاشر من نوفمبر 2025", "2025-11-10", None, 1),
            (
                "في الحادي والعشرين من كانون الأول 2024",
                "2024-12-21",
                None,
                1,
            ),
            (
                "نفذت بين 24 و27 نوفمبر",
                "2025-11-24",
                Some("2025-11-27"),
                1,
            ),
            (
                "between 24 and 27 November 2025",
                "2025-11-24",
                Some("2025-11-27"),
                1,
            ),
            ("on 3-5 January 2026", "2026-01-03", Some("2026-01-05"), 1),
            ("on November 24, 2025", "2025-11-24", None, 1),
            ("on the 3rd of March 2025", "2025-03-03", None, 1),
            ("في بداية ديسمبر 2025", "2025-12-01", None, 2),
            ("in early December 2025", "2025-12-01", None, 2),
            ("في الأسبوع الأخير من نوفمبر 2025", "2025-11-24", None, 2),
            ("in mid-January 2026", "2026-01-15", None, 2),
            ("منتصف كانون الثاني 2026", "2026-01-15", None, 2),
            ("في أواخر أيلول 2025", "2025-09-24", None, 2),
            ("في النصف الثاني من سبتمبر 2025", "2025-09-16", None, 3),
            ("in November 2025", "2025-11-01", None, 3),
            ("yesterday", "2025-12-09", None, 1),
            ("on Tuesday", "2025-12-09", None, 1),
            ("يوم الأحد", "2025-12-07", None, 1),
        ];
        for (text, first, end, precision) in cases {
            let got = one(text);
            assert_eq!(got, (d(first), end.map(d), *precision), "{text}");
        }
    }

    #[test]
    fn since_is_flagged_and_year_comes_from_context() {
        let text = "منذ مارس 2019 وفي 25 نوفمبر";
        let toks = words(text, 0, text.len());
        let found = find(&toks, None);
        assert_eq!(found.len(), 2);
        assert!(found[0].since);
        assert!(!found[1].since);
        assert_eq!(found[1].year, None);
        assert_eq!(infer_year(&found[1], Some(2025), None), Some(2025));
        let published = NaiveDate::from_ymd_opt(2026, 1, 5);
        assert_eq!(infer_year(&found[1], None, published), Some(2025));
    }

    #[test]
    fn no_date_in_plain_numbers() {
        let text = "أكثر من 130 قذيفة و15 موقعا، 90 دولة";
        let toks = words(text, 0, text.len());
        assert!(find(&toks, None).is_empty());
    }
}
