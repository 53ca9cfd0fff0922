//! Edit distance on loose keys, with a cheap filter to skip most keys without running it.
//!
//! Vowels are the least reliable part of a transliteration, so in keys of six letters or more
//! inserting or deleting one costs half an edit; everything else costs one. Short keys get no
//! discount: `stat` and `satat` are different words.

/// A key prepared for fuzzy comparison.
#[derive(Debug, Clone)]
pub struct FuzzyKey {
    pub chars: Box<[char]>,
    /// one bit per consonant present: a lower bound on the distance between two keys
    pub mask: u64,
}

impl FuzzyKey {
    pub fn new(key: &str) -> FuzzyKey {
        let chars: Box<[char]> = key.chars().collect();
        let mask = mask_of(&chars);
        FuzzyKey { chars, mask }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }
}

fn mask_of(chars: &[char]) -> u64 {
    chars
        .iter()
        .filter(|&&c| !is_soft(c))
        .fold(0u64, |m, &c| m | (1u64 << (c as u32 % 64)))
}

/// Letters whose insertion or deletion may cost half: the folded Latin vowel and the Arabic long
/// vowels.
fn is_soft(c: char) -> bool {
    matches!(c, 'a' | 'ا' | 'و' | 'ي')
}

/// Keys shorter than this pay full price for vowels.
const SOFT_MIN_LEN: usize = 6;

/// Largest distance accepted for a query key of `len` characters: none for very short keys,
/// where one edit turns a name into another.
pub fn max_cost(len: usize) -> f64 {
    match len {
        0..=3 => 0.0,
        4..=5 => 1.0,
        6..=8 => 1.5,
        9..=12 => 2.0,
        _ => 3.0,
    }
}

/// Weighted Levenshtein distance, or `None` when it exceeds `max`. (The index scans a
/// `FuzzyTable`, which gives the same distances.)
#[cfg(test)]
pub fn distance(a: &FuzzyKey, b: &FuzzyKey, max: f64) -> Option<f64> {
    let halves = half_edits(max);
    if !may_be_within(a.mask, a.len() as u32, b.mask, b.len() as u32, halves) {
        return None;
    }
    edit_distance(&a.chars, &b.chars, max, &mut Vec::new())
}

/// `max` in half edits, the unit of the cheap filters.
fn half_edits(max: f64) -> u32 {
    (max * 2.0).floor() as u32
}

/// The cheap lower bounds: false when two keys are surely more than `halves` half edits apart.
/// Each consonant present in one key only costs at least half an edit (a substitution changes
/// two bits of the masks), and each letter of difference in length at least half an edit.
fn may_be_within(a_mask: u64, a_len: u32, b_mask: u64, b_len: u32, halves: u32) -> bool {
    a_len.abs_diff(b_len) <= halves && (a_mask ^ b_mask).count_ones() <= halves
}

/// Weighted Levenshtein distance between two keys, or `None` when it exceeds `max`. `rows` is
/// scratch space, reused from call to call.
fn edit_distance(a: &[char], b: &[char], max: f64, rows: &mut Vec<f64>) -> Option<f64> {
    let soft = a.len().min(b.len()) >= SOFT_MIN_LEN;
    let indel = |c: char| if soft && is_soft(c) { 0.5 } else { 1.0 };
    rows.clear();
    rows.resize(2 * (b.len() + 1), 0.0);
    let (mut prev, mut cur) = rows.split_at_mut(b.len() + 1);
    for (j, &cb) in b.iter().enumerate() {
        prev[j + 1] = prev[j] + indel(cb);
    }
    for &ca in a.iter() {
        cur[0] = prev[0] + indel(ca);
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + if ca == cb { 0.0 } else { 1.0 };
            let del = prev[j + 1] + indel(ca);
            let ins = cur[j] + indel(cb);
            let v = sub.min(del).min(ins);
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// How alike two spellings are, 0..=1: 1 − edit distance / longer length, on the characters
/// as they are (every edit costs one).
pub fn spelling_similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let longest = a.len().max(b.len()).max(1) as f64;
    1.0 - prev[b.len()] as f64 / longest
}

/// Similarity in 0..=1 from a distance: 1 − distance / longer length.
#[cfg(test)]
pub fn similarity(d: f64, a: &FuzzyKey, b: &FuzzyKey) -> f64 {
    similarity_of_lengths(d, a.len(), b.len())
}

/// Similarity in 0..=1 from a distance and the lengths of the two keys.
fn similarity_of_lengths(d: f64, a: usize, b: usize) -> f64 {
    let longest = a.max(b).max(1) as f64;
    (1.0 - d / longest).clamp(0.0, 1.0)
}

/// Many keys in flat arrays, so a scan reads the filters of every key from contiguous memory
/// and only the few keys that pass them from the character buffer.
#[derive(Debug, Default)]
pub struct FuzzyTable {
    /// per key: the caller's number for it
    tags: Vec<u32>,
    chars: Vec<char>,
    /// per key: start in `chars`
    starts: Vec<u32>,
    /// per key: length in characters
    lens: Vec<u32>,
    /// per key: `FuzzyKey::mask`
    masks: Vec<u64>,
}

/// A key of a `FuzzyTable` within reach of the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    /// the number the key was pushed with
    pub tag: u32,
    pub distance: f64,
    pub similarity: f64,
    pub first_letter_agrees: bool,
}

impl FuzzyTable {
    /// Appends a key, with a number that `near` reports for it.
    pub fn push(&mut self, key: &str, tag: u32) {
        let start = self.chars.len();
        self.chars.extend(key.chars());
        self.tags.push(tag);
        self.starts.push(start as u32);
        self.lens.push((self.chars.len() - start) as u32);
        self.masks.push(mask_of(&self.chars[start..]));
    }

    /// Keys within `max` of `q` (see `distance`).
    pub fn near(&self, q: &FuzzyKey, max: f64, mut found: impl FnMut(Near)) {
        let halves = half_edits(max);
        let q_len = q.len() as u32;
        let mut rows = Vec::new();
        for (slot, (&mask, &len)) in self.masks.iter().zip(&self.lens).enumerate() {
            if !may_be_within(q.mask, q_len, mask, len, halves) {
                continue;
            }
            let len = len as usize;
            let start = self.starts[slot] as usize;
            let key = &self.chars[start..start + len];
            if let Some(d) = edit_distance(&q.chars, key, max, &mut rows) {
                found(Near {
                    tag: self.tags[slot],
                    distance: d,
                    similarity: similarity_of_lengths(d, q.len(), len),
                    first_letter_agrees: q.chars.first() == key.first(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<f64> {
        distance(&FuzzyKey::new(a), &FuzzyKey::new(b), 10.0)
    }

    #[test]
    fn plain_edits_cost_one() {
        assert_eq!(d("kitten", "sitting"), Some(3.0)); // k→s, e→i, +g
        assert_eq!(d("abc", "abc"), Some(0.0));
        assert_eq!(d("", "bcd"), Some(3.0));
        assert_eq!(d("bcd", "bd"), Some(1.0));
    }

    #[test]
    fn vowels_cost_half_in_long_keys_only() {
        assert_eq!(d("jarabalas", "jarablas"), Some(0.5));
        assert_eq!(d("sarakab", "sarkab"), Some(0.5));
        assert_eq!(d("satat", "stat"), Some(1.0));
        assert_eq!(d("دلعه", "دلع"), Some(1.0));
    }

    #[test]
    fn symmetric() {
        for (a, b) in [("manbaj", "mambaj"), ("jarabalas", "jarablas"), ("x", "")] {
            assert_eq!(d(a, b), d(b, a));
        }
    }

    #[test]
    fn bounded_search_gives_up_early() {
        let (a, b) = (FuzzyKey::new("wacangtan"), FuzzyKey::new("sarakab"));
        assert_eq!(distance(&a, &b, 2.0), None);
        assert!(distance(&a, &b, 20.0).is_some());
        // the filter never rejects what the full computation accepts
        let pairs = [("dwal", "dawal"), ("afran", "afrn"), ("hams", "ham")];
        for (x, y) in pairs {
            let (x, y) = (FuzzyKey::new(x), FuzzyKey::new(y));
            let full = distance(&x, &y, 100.0).unwrap_or(f64::MAX);
            assert_eq!(distance(&x, &y, full), Some(full));
        }
    }

    #[test]
    fn spelling_similarity_counts_plain_edits() {
        assert_eq!(spelling_similarity("sarakib", "sarakib"), 1.0);
        let near = spelling_similarity("sarakib", "saraqib");
        let far = spelling_similarity("sarakib", "sorocaba");
        assert!((near - 6.0 / 7.0).abs() < 1e-9, "{near}");
        assert!(far < near, "{far} {near}");
        assert_eq!(spelling_similarity("", ""), 1.0);
    }

    #[test]
    fn a_table_finds_what_distance_finds() {
        let keys = ["sarakab", "manbaj", "jarabalas", "afran", "دلعه"];
        let mut table = FuzzyTable::default();
        for (i, k) in keys.iter().enumerate() {
            table.push(k, i as u32);
        }
        for q in ["sarkab", "mambaj", "jarablas", "afrn", "دلع", "qwxzy"] {
            let qk = FuzzyKey::new(q);
            let mut got = Vec::new();
            table.near(&qk, 1.5, |n| got.push((n.tag as usize, n.distance)));
            let want: Vec<(usize, f64)> = keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| distance(&qk, &FuzzyKey::new(k), 1.5).map(|d| (i, d)))
                .collect();
            assert_eq!(got, want, "{q}");
        }
    }

    #[test]
    fn similarity_decreases_with_distance() {
        let a = FuzzyKey::new("sarakab");
        let s0 = similarity(0.0, &a, &a);
        let s1 = similarity(1.0, &a, &a);
        let s2 = similarity(2.0, &a, &a);
        assert!(s0 > s1 && s1 > s2);
        assert_eq!(s0, 1.0);
        assert_eq!(max_cost(3), 0.0);
        assert!(max_cost(10) > max_cost(5));
    }
}
