//! Reading an article: any bytes (as UTF-8, lossy) are read into proposals or an error value;
//! every proposal is a valid incident whose place phrase is in the text; and the whole ingest
//! plan (ids, duplicates against the seed catalogue, the answer) runs on it too.
#![no_main]

use chrono::NaiveDate;
use incident_map::extract::ingest::{self, ArticleInput};
use incident_map::extract::{ExtractError, MAX_ARTICLE_BYTES};
use incident_map_fuzz::{extractor, gazetteer, state};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let (gz, ex) = (gazetteer(), extractor());
    let read_on = chrono_day(data);
    match ex.extract_read_on(gz, &text, None, read_on) {
        Ok(out) => {
            for p in &out.proposals {
                let mut inc = p.incident.clone();
                inc.id = "ART-fuzz-01".into();
                assert!(inc.validate().is_ok(), "{:?}", inc.validate());
                assert!(text.contains(p.evidence.place_phrase.as_str()));
            }
        }
        Err(ExtractError::Empty) => assert!(text.trim().is_empty()),
        Err(ExtractError::TooLarge(n)) => assert!(n > MAX_ARTICLE_BYTES),
    }
    let input = ArticleInput {
        title: None,
        source: None,
        url: None,
        published: read_on,
        text,
    };
    if let Ok((stored, answer)) = ingest::plan(ex, gz, &state().catalog(), &input) {
        assert!(stored.len() <= answer.incidents.len());
        assert!(serde_json::to_string(&answer).is_ok());
    }
});

/// A day the article is read on, from the input's length: dates without a year and relative
/// ones ("yesterday") are exercised against different days, and sometimes against none.
fn chrono_day(data: &[u8]) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2011, 3, 15)?;
    (data.len() % 3 != 0).then(|| base + chrono::Days::new((data.len() * 37 % 6000) as u64))
}
