//! Every name of every place, looked up by key: exact, loose and skeleton keys in hash maps,
//! then fuzzy over the distinct loose keys.

use std::collections::HashMap;

use super::fuzzy::{distance, max_cost, similarity, FuzzyKey};
use super::normalize::{name_keys, NameKeys, Script};

/// Score of a hit on the exact key.
pub const EXACT: f64 = 1.0;
/// Score of a hit on the loose key of four letters or more.
pub const LOOSE: f64 = 0.92;
/// Score of a hit on a shorter loose key: too many words fold to `dan` or `ham` to trust it alone.
pub const LOOSE_SHORT: f64 = 0.72;
/// Score of a hit on a skeleton of four consonants or more.
pub const SKELETON: f64 = 0.85;
/// Highest score of a fuzzy hit (times the similarity).
pub const FUZZY: f64 = 0.9;
/// Factor for a fuzzy hit whose first letter differs ("London" is not "Hindane").
pub const FIRST_LETTER: f64 = 0.9;

/// How a name names its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// the place's own name (primary, Arabic, alternate or alias)
    Name,
    /// "محافظة X", "X governorate": the governorate as a whole
    Governorate,
    /// "ريف X", "X countryside": the countryside around the governorate's seat
    Countryside,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub place: usize,
    /// the name as written in the gazetteer
    pub name: String,
    pub kind: NameKind,
}

/// A name that matched, with its score before any context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub entry: usize,
    pub score: f64,
}

#[derive(Debug, Default)]
pub struct NameIndex {
    entries: Vec<Entry>,
    exact: HashMap<String, Vec<usize>>,
    loose: HashMap<String, Vec<usize>>,
    skeleton: HashMap<String, Vec<usize>>,
    fuzzy: Vec<(FuzzyKey, Vec<usize>)>,
    fuzzy_slot: HashMap<String, usize>,
    /// words in the longest name: no query span longer than this can match exactly
    pub max_words: usize,
}

impl NameIndex {
    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    /// Adds a name. Governorate and countryside forms give way to a real name with the same key
    /// (`ريف دمشق` is the governorate Rif Dimashq, not the countryside of Damascus).
    pub fn add(&mut self, place: usize, name: &str, kind: NameKind) {
        if let Some(keys) = name_keys(name) {
            self.add_keys(place, name, kind, keys);
        }
    }

    /// Adds a name whose keys are already computed.
    pub fn add_keys(&mut self, place: usize, name: &str, kind: NameKind, keys: NameKeys) {
        if let Some(ids) = self.exact.get(&keys.exact) {
            let taken = ids.iter().any(|&i| {
                let e = &self.entries[i];
                e.place == place || (kind != NameKind::Name && e.kind == NameKind::Name)
            });
            if taken {
                return;
            }
        }
        let id = self.entries.len();
        self.entries.push(Entry {
            place,
            name: name.trim().to_string(),
            kind,
        });
        self.max_words = self.max_words.max(keys.words);
        self.exact.entry(keys.exact).or_default().push(id);
        if !keys.loose.is_empty() {
            let slot = match self.fuzzy_slot.get(&keys.loose) {
                Some(&s) => s,
                None => {
                    self.fuzzy.push((FuzzyKey::new(&keys.loose), Vec::new()));
                    self.fuzzy_slot
                        .insert(keys.loose.clone(), self.fuzzy.len() - 1);
                    self.fuzzy.len() - 1
                }
            };
            self.fuzzy[slot].1.push(id);
            self.loose.entry(keys.loose).or_default().push(id);
        }
        if keys.script == Script::Latin && keys.skeleton.chars().count() >= 4 {
            self.skeleton.entry(keys.skeleton).or_default().push(id);
        }
    }

    /// Hits on the exact, loose or skeleton key, best score per entry.
    pub fn exact_hits(&self, exact: &str, loose: &str, skeleton: &str, out: &mut Vec<Hit>) {
        if let Some(ids) = self.exact.get(exact) {
            push_all(out, ids, EXACT);
        }
        if let Some(ids) = self.loose.get(loose) {
            let score = if loose.chars().count() >= 4 {
                LOOSE
            } else {
                LOOSE_SHORT
            };
            push_all(out, ids, score);
        }
        if skeleton.chars().count() >= 4 {
            if let Some(ids) = self.skeleton.get(skeleton) {
                push_all(out, ids, SKELETON);
            }
        }
    }

    /// Fuzzy hits on the loose key: `FUZZY × similarity`, within `fuzzy::max_cost`.
    pub fn fuzzy_hits(&self, loose: &str, out: &mut Vec<Hit>) {
        let q = FuzzyKey::new(loose);
        let max = max_cost(q.len());
        if max <= 0.0 {
            return;
        }
        for (key, ids) in &self.fuzzy {
            if let Some(d) = distance(&q, key, max) {
                // spellings of one name rarely disagree on the first letter
                let first = if q.chars.first() == key.chars.first() {
                    1.0
                } else {
                    FIRST_LETTER
                };
                push_all(out, ids, FUZZY * first * similarity(d, &q, key));
            }
        }
    }
}

fn push_all(out: &mut Vec<Hit>, ids: &[usize], score: f64) {
    for &entry in ids {
        match out.iter_mut().find(|h| h.entry == entry) {
            Some(h) => h.score = h.score.max(score),
            None => out.push(Hit { entry, score }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::normalize::name_keys;

    fn lookup(ix: &NameIndex, q: &str) -> Vec<(usize, f64)> {
        let k = name_keys(q).expect("keys");
        let mut out = Vec::new();
        ix.exact_hits(&k.exact, &k.loose, &k.skeleton, &mut out);
        if out.is_empty() {
            ix.fuzzy_hits(&k.loose, &mut out);
        }
        out.iter()
            .map(|h| (ix.entry(h.entry).place, h.score))
            .collect()
    }

    fn fixture() -> NameIndex {
        let mut ix = NameIndex::default();
        ix.add(0, "Saraqib", NameKind::Name);
        ix.add(0, "سراقب", NameKind::Name);
        ix.add(1, "al-Badrusiyah", NameKind::Name);
        ix.add(2, "Rif Dimashq", NameKind::Name);
        ix.add(2, "ريف دمشق", NameKind::Name);
        ix.add(3, "ريف دمشق", NameKind::Countryside);
        ix.add(4, "Ma'arrat an-Nu'man", NameKind::Name);
        ix
    }

    #[test]
    fn tiers() {
        let ix = fixture();
        assert_eq!(lookup(&ix, "Saraqib"), vec![(0, EXACT)]);
        assert_eq!(lookup(&ix, "Saraqeb"), vec![(0, LOOSE)]);
        assert_eq!(lookup(&ix, "Maaret al-Numan"), vec![(4, LOOSE)]);
        assert_eq!(lookup(&ix, "سراقب"), vec![(0, EXACT)]);
        assert_eq!(lookup(&ix, "Bdroussieh"), vec![(1, SKELETON)]);
        let fuzzy = lookup(&ix, "Maarat al-Numam");
        assert_eq!(fuzzy.len(), 1);
        assert!(fuzzy[0].1 < LOOSE && fuzzy[0].1 > 0.75, "{fuzzy:?}");
        assert!(lookup(&ix, "Washington").is_empty());
        assert!(lookup(&ix, "qwxzy").is_empty());
    }

    #[test]
    fn synthesised_forms_yield_to_real_names() {
        let ix = fixture();
        let hits = lookup(&ix, "ريف دمشق");
        assert_eq!(hits, vec![(2, EXACT)]);
        assert_eq!(ix.max_words, 2);
    }
}
