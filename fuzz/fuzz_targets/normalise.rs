//! Gazetteer name normalisation and lookup of any name (UTF-8, lossy): no panic, scores in
//! 0..=1, and bounded time (libFuzzer's -timeout). The first line is the name, the rest the
//! context (a governorate, "the city").
#![no_main]

use incident_map::gazetteer::normalize::{
    arabic_loose, latin_loose, loose_key, name_keys, normalize_text, skeleton, words,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, context) = match text.split_once('\n') {
        Some((n, c)) => (n, Some(c)),
        None => (text.as_ref(), None),
    };
    let normalised = normalize_text(name);
    for w in words(&normalised) {
        assert!(!w.text.is_empty());
        let _ = skeleton(&arabic_loose(&w.text));
        let _ = skeleton(&latin_loose(&w.text));
    }
    if let Some(keys) = name_keys(name) {
        assert!(keys.words >= 1);
        assert_eq!(loose_key(name), keys.loose);
    }
    let gz = incident_map_fuzz::gazetteer();
    for c in gz.geocode(name, context, 10) {
        assert!(
            (0.0..=1.0).contains(&c.score),
            "{name:?}: score {}",
            c.score
        );
        assert!((1..=3).contains(&c.geo_precision));
    }
    if let Some(c) = gz.resolve(name, context) {
        assert!(c.score >= incident_map::gazetteer::RESOLVE_THRESHOLD);
    }
});
