//! Seeded synthetic incidents for benchmarks and large-scale checks.
//!
//! ```text
//! cargo run --release --example synthetic -- COUNT SEED --data DIR    # fill a data directory
//! cargo run --release --example synthetic -- COUNT SEED > x.geojsonl  # GeoJSON Lines to stdout
//! ```
//!
//! The same COUNT and SEED always give the same incidents (`incidents::synthetic`), spread over
//! Syria's extent and 2011–2025 with every ACLED event type.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use incident_map::incidents::{synthetic, Store};

/// Rows per SQLite transaction when filling a data directory.
const BATCH: usize = 50_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synthetic: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let usage = "usage: synthetic COUNT SEED [--data DIR]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|s| s.parse().ok()).ok_or(usage)?;
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).ok_or(usage)?;
    let data = match args.get(2).map(String::as_str) {
        None => None,
        Some("--data") => Some(PathBuf::from(args.get(3).ok_or(usage)?)),
        Some(_) => return Err(usage.into()),
    };
    let incidents = synthetic::incidents(count, seed);
    match data {
        Some(dir) => {
            let mut store = Store::open(&dir).map_err(|e| e.to_string())?;
            for batch in incidents.chunks(BATCH) {
                store.upsert(batch, &[]).map_err(|e| e.to_string())?;
            }
            eprintln!("synthetic: {count} incidents in {}", dir.display());
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            for inc in &incidents {
                out.write_all(&inc.to_feature_json())
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(|e| e.to_string())?;
            }
            out.flush().map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
