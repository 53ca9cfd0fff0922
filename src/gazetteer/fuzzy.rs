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
        let mask = chars
            .iter()
            .filter(|&&c| !is_soft(c))
            .fold(0u64, |m, &c| m | (1u64 << (c as u32 % 64)));
        FuzzyKey { chars, mask }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }
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

/// Weighted Levenshtein distance, or `None` when it exceeds `max`.
pub fn distance(a: &FuzzyKey, b: &FuzzyKey, max: f64) -> Option<f64> {
    // each consonant present in one key only needs at least half an edit (a substitution
    // changes two bits)
    if f64::from((a.mask ^ b.mask).count_ones()) / 2.0 > max {
        return None;
    }
    if (a.len() as f64 - b.len() as f64).abs() * 0.5 > max {
        return None;
    }
    let soft = a.len().min(b.len()) >= SOFT_MIN_LEN;
    let indel = |c: char| if soft && is_soft(c) { 0.5 } else { 1.0 };
    let (a, b) = (&a.chars, &b.chars);
    let mut prev: Vec<f64> = Vec::with_capacity(b.len() + 1);
    prev.push(0.0);
    for &cb in b.iter() {
        let last = prev.last().copied().unwrap_or(0.0);
        prev.push(last + indel(cb));
    }
    let mut cur = vec![0.0; b.len() + 1];
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

/// Similarity in 0..=1 from a distance: 1 − distance / longer length.
pub fn similarity(d: f64, a: &FuzzyKey, b: &FuzzyKey) -> f64 {
    let longest = a.len().max(b.len()).max(1) as f64;
    (1.0 - d / longest).clamp(0.0, 1.0)
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
