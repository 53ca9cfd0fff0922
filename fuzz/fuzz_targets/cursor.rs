//! OGC items cursors: any text decodes to a cursor or an error value, never a panic; a decoded
//! cursor encodes to one that decodes to the same key; and as `cursor=` it is answered without a 5xx.
#![no_main]

use incident_map::http::ogc::Cursor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cursor) = Cursor::parse(&text) {
        let encoded = cursor.encode();
        assert_eq!(
            Cursor::parse(&encoded).expect("an encoded cursor decodes"),
            cursor
        );
    }
    let query = serde_urlencoded::to_string([("cursor", text.as_ref())]).expect("encodes");
    incident_map_fuzz::get_checked(&format!("/ogc/collections/incidents/items?{query}&limit=3"));
});
