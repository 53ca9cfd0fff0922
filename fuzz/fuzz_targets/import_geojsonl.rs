//! Bulk import of GeoJSON Lines (one Feature per line): any bytes are read into incidents or row errors, never a panic; every
//! incident read is valid.
#![no_main]

use incident_map::import::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    incident_map_fuzz::import_rows(InputFormat::GeoJsonLines, data);
});
