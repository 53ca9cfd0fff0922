//! Every name of every place, looked up by key: exact, loose and skeleton keys in hash maps,
//! then fuzzy over the distinct loose keys.

use std::collections::HashMap;

use super::fuzzy::{max_cost, FuzzyKey, FuzzyTable};
use super::normalize::{is_arabic_letter, name_keys, NameKeys, Script};
use super::MIN_SCORE;

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
    /// a Syrian place's own name: its name, its Arabic name, a governorate's name, a curated
    /// spelling (`places_curated.tsv`, `aliases.tsv`)
    Name,
    /// another GeoNames name of a Syrian place (other languages, old names, variants)
    Alternate,
    /// "محافظة X", "X governorate": the governorate as a whole
    Governorate,
    /// "ريف X", "X countryside": the countryside around the governorate's seat
    Countryside,
    /// a name of a place outside Syria (`foreign.tsv`); `place` indexes the foreign places.
    /// `own` is its GeoNames name or an Arabic-script name, as opposed to an exonym or an old
    /// name in another language.
    Foreign { own: bool },
}

impl NameKind {
    pub fn is_foreign(self) -> bool {
        matches!(self, NameKind::Foreign { .. })
    }

    /// A name a place really bears, as opposed to a phrase made up for a governorate.
    fn is_syrian_name(self) -> bool {
        matches!(self, NameKind::Name | NameKind::Alternate)
    }

    /// A place's own name rather than an alternate (see `lookup` for why it matters).
    pub fn is_own(self) -> bool {
        !matches!(self, NameKind::Alternate | NameKind::Foreign { own: false })
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub place: usize,
    /// the name as written in the gazetteer; empty for a foreign name, which is never shown
    pub name: String,
    /// its exact key (`normalize::NameKeys::exact`)
    pub key: String,
    pub kind: NameKind,
}

/// A name that matched, with its score before any context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub entry: usize,
    pub score: f64,
}

type KeyMap<V> = HashMap<String, V>;

/// End of a chain.
const NONE: u32 = u32::MAX;

/// The entries that share a key, in the order they were added: a chain from `head` through
/// one of the `next_*` arrays of the index (no allocation per key).
#[derive(Debug, Clone, Copy)]
struct Chain {
    head: u32,
    tail: u32,
}

impl Chain {
    /// Appends entry `id` to the chain (or starts one) using the links in `next`.
    fn append(chain: Option<&mut Chain>, next: &mut [u32], id: u32) -> Option<Chain> {
        match chain {
            Some(c) => {
                next[c.tail as usize] = id;
                c.tail = id;
                None
            }
            None => Some(Chain { head: id, tail: id }),
        }
    }
}

/// The entries of a chain.
fn chain(next: &[u32], c: Chain) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(Some(c.head), move |&i| {
        Some(next[i as usize]).filter(|&n| n != NONE)
    })
    .map(|i| i as usize)
}

#[derive(Debug, Default)]
pub struct NameIndex {
    entries: Vec<Entry>,
    exact: KeyMap<Chain>,
    /// loose key → slot in `by_loose`, the tag of the key in the fuzzy tables
    loose: KeyMap<u32>,
    /// entries of each distinct loose key
    by_loose: Vec<Chain>,
    skeleton: KeyMap<Chain>,
    /// per entry: the next entry with the same exact, loose or skeleton key
    next_exact: Vec<u32>,
    next_loose: Vec<u32>,
    next_skeleton: Vec<u32>,
    /// the distinct loose keys that name a Syrian place, by script (`script_slot`)
    fuzzy: [FuzzyTable; 2],
    /// the distinct loose keys that only name foreign places, by script
    fuzzy_foreign: [FuzzyTable; 2],
    /// per slot: is the key in `fuzzy`?
    syrian_slot: Vec<bool>,
    /// words in the longest name: no query span longer than this can match exactly
    pub max_words: usize,
}

impl NameIndex {
    /// An empty index with room for about `names` names.
    pub fn with_capacity(names: usize) -> NameIndex {
        NameIndex {
            entries: Vec::with_capacity(names),
            exact: KeyMap::with_capacity(names),
            loose: KeyMap::with_capacity(names),
            by_loose: Vec::with_capacity(names),
            skeleton: KeyMap::with_capacity(names),
            next_exact: Vec::with_capacity(names),
            next_loose: Vec::with_capacity(names),
            next_skeleton: Vec::with_capacity(names),
            ..NameIndex::default()
        }
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    /// Adds a name. Governorate and countryside forms give way to a real name with the same key
    /// (`ريف دمشق` is the governorate Rif Dimashq, not the countryside of Damascus). A place gets
    /// one entry per exact key: the first name added with it.
    pub fn add(&mut self, place: usize, name: &str, kind: NameKind) {
        if let Some(keys) = name_keys(name) {
            self.add_keys(place, name, kind, keys);
        }
    }

    /// Adds a name whose keys are already computed.
    pub fn add_keys(&mut self, place: usize, name: &str, kind: NameKind, keys: NameKeys) {
        if let Some(&c) = self.exact.get(&keys.exact) {
            let taken = chain(&self.next_exact, c).any(|i| {
                let e = &self.entries[i];
                (e.place == place && e.kind.is_foreign() == kind.is_foreign())
                    || (matches!(kind, NameKind::Governorate | NameKind::Countryside)
                        && e.kind.is_syrian_name())
            });
            if taken {
                return;
            }
        }
        let id = self.entries.len() as u32;
        self.next_exact.push(NONE);
        self.next_loose.push(NONE);
        self.next_skeleton.push(NONE);
        self.entries.push(Entry {
            place,
            name: if kind.is_foreign() {
                String::new()
            } else {
                name.trim().to_string()
            },
            key: keys.exact.clone(),
            kind,
        });
        self.max_words = self.max_words.max(keys.words);
        if let Some(c) = Chain::append(self.exact.get_mut(&keys.exact), &mut self.next_exact, id) {
            self.exact.insert(keys.exact, c);
        }
        if !keys.loose.is_empty() {
            let syrian = !kind.is_foreign();
            match self.loose.get(&keys.loose) {
                Some(&slot) => {
                    let s = slot as usize;
                    Chain::append(Some(&mut self.by_loose[s]), &mut self.next_loose, id);
                    if syrian && !self.syrian_slot[s] {
                        self.syrian_slot[s] = true;
                        self.fuzzy[script_slot(&keys.loose)].push(&keys.loose, slot);
                    }
                }
                None => {
                    let slot = self.by_loose.len() as u32;
                    let script = script_slot(&keys.loose);
                    if syrian {
                        self.fuzzy[script].push(&keys.loose, slot);
                    } else {
                        self.fuzzy_foreign[script].push(&keys.loose, slot);
                    }
                    self.syrian_slot.push(syrian);
                    self.by_loose.push(Chain { head: id, tail: id });
                    self.loose.insert(keys.loose, slot);
                }
            }
        }
        if keys.script == Script::Latin && keys.skeleton.chars().count() >= 4 {
            if let Some(c) = Chain::append(
                self.skeleton.get_mut(&keys.skeleton),
                &mut self.next_skeleton,
                id,
            ) {
                self.skeleton.insert(keys.skeleton, c);
            }
        }
    }

    /// Hits on the exact, loose or skeleton key, best score per entry.
    pub fn exact_hits(&self, exact: &str, loose: &str, skeleton: &str, out: &mut Vec<Hit>) {
        if let Some(&c) = self.exact.get(exact) {
            push_all(out, chain(&self.next_exact, c), EXACT);
        }
        if let Some(&slot) = self.loose.get(loose) {
            let score = if loose.chars().count() >= 4 {
                LOOSE
            } else {
                LOOSE_SHORT
            };
            push_all(
                out,
                chain(&self.next_loose, self.by_loose[slot as usize]),
                score,
            );
        }
        if skeleton.chars().count() >= 4 {
            if let Some(&c) = self.skeleton.get(skeleton) {
                push_all(out, chain(&self.next_skeleton, c), SKELETON);
            }
        }
    }

    /// Fuzzy hits on the loose key: `FUZZY × similarity`, within `fuzzy::max_cost`. Keys that
    /// only name foreign places are looked at only when a Syrian one comes close enough to be
    /// listed (`MIN_SCORE`; later factors only lower a score): a foreign name is there to stop
    /// a Syrian one, and this keeps unknown words cheap.
    pub fn fuzzy_hits(&self, loose: &str, out: &mut Vec<Hit>) {
        let q = FuzzyKey::new(loose);
        let max = max_cost(q.len());
        if max <= 0.0 {
            return;
        }
        let script = script_slot(loose);
        if self.fuzzy_in(&self.fuzzy[script], &q, max, out) >= MIN_SCORE {
            self.fuzzy_in(&self.fuzzy_foreign[script], &q, max, out);
        }
    }

    /// Fuzzy hits on the keys of one table; returns the best score (0 for none).
    fn fuzzy_in(&self, table: &FuzzyTable, q: &FuzzyKey, max: f64, out: &mut Vec<Hit>) -> f64 {
        let mut best: f64 = 0.0;
        table.near(q, max, |near| {
            // spellings of one name rarely disagree on the first letter
            let first = if near.first_letter_agrees {
                1.0
            } else {
                FIRST_LETTER
            };
            let score = FUZZY * first * near.similarity;
            best = best.max(score);
            push_all(
                out,
                chain(&self.next_loose, self.by_loose[near.tag as usize]),
                score,
            );
        });
        best
    }
}

/// Fuzzy tables are kept apart by the script of the key's first letter: an Arabic key is never
/// within an edit distance of a Latin one.
fn script_slot(loose: &str) -> usize {
    usize::from(loose.chars().next().is_some_and(is_arabic_letter))
}

fn push_all(out: &mut Vec<Hit>, ids: impl Iterator<Item = usize>, score: f64) {
    for entry in ids {
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
    fn foreign_names_sit_beside_syrian_ones() {
        let mut ix = fixture();
        // place 0 abroad is not place 0 in Syria: both keep the name
        ix.add(0, "Saraqib", NameKind::Foreign { own: true });
        ix.add(0, "Saraqeb", NameKind::Foreign { own: false });
        ix.add(7, "Kabul", NameKind::Foreign { own: true });
        let k = name_keys("Saraqib").expect("keys");
        let mut out = Vec::new();
        ix.exact_hits(&k.exact, &k.loose, &k.skeleton, &mut out);
        let kinds: Vec<NameKind> = out.iter().map(|h| ix.entry(h.entry).kind).collect();
        assert!(kinds.contains(&NameKind::Name));
        assert!(kinds.contains(&NameKind::Foreign { own: true }));
        // one entry per place and key abroad as in Syria
        ix.add(0, "SARAQIB", NameKind::Foreign { own: false });
        let mut again = Vec::new();
        ix.exact_hits(&k.exact, &k.loose, &k.skeleton, &mut again);
        assert_eq!(again.len(), out.len());
        // a word that only names a place abroad is looked up fuzzily only when a Syrian name
        // is near enough to matter
        assert!(lookup(&ix, "Kibl").is_empty());
        ix.add(8, "Sarakiv", NameKind::Foreign { own: true });
        let k = name_keys("Saraqif").expect("keys");
        let mut near = Vec::new();
        ix.fuzzy_hits(&k.loose, &mut near);
        let kinds: Vec<NameKind> = near.iter().map(|h| ix.entry(h.entry).kind).collect();
        assert!(kinds.contains(&NameKind::Name), "{kinds:?}");
        assert!(
            kinds.contains(&NameKind::Foreign { own: true }),
            "{kinds:?}"
        );
        assert!(NameKind::Foreign { own: true }.is_own());
        assert!(!NameKind::Foreign { own: false }.is_own());
        assert!(!NameKind::Alternate.is_own());
    }

    #[test]
    fn synthesised_forms_yield_to_real_names() {
        let ix = fixture();
        let hits = lookup(&ix, "ريف دمشق");
        assert_eq!(hits, vec![(2, EXACT)]);
        assert_eq!(ix.max_words, 2);
    }
}
