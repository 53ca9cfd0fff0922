//! The web map in a real browser: Debian's Chromium driven by `web/test/browser.mjs`
//! (npm `playwright-core`) against the binary serving on a free port.
//!
//! The data directory holds the seed plus two incidents written through the store: one whose
//! text is HTML (`<script>`, `<img onerror>`), which must show as text and never run, and an
//! extracted one, so the review filter has both kinds to tell apart. Screenshots go to
//! `tests/output/screenshots/`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use incident_map::incidents::{Incident, Review, Store};

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");
const CHROMIUM: &str = "/usr/bin/chromium";

/// Sets `window.__xss` if any of it ever runs as code.
const HOSTILE: &str = "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn incident(id: &str, review: Review, text: &str) -> Incident {
    Incident {
        id: id.to_string(),
        event_date: NaiveDate::from_ymd_opt(2025, 11, 28).expect("date"),
        event_date_end: None,
        time_precision: 1,
        disorder_type: "Demonstrations".to_string(),
        event_type: "Protests".to_string(),
        sub_event_type: "Peaceful protest".to_string(),
        actor1: Some(format!("Protesters {text}")),
        actor2: None,
        fatalities: 0,
        location: format!("Hama {text}"),
        location_ar: format!("حماة {text}"),
        admin1: "Hama".to_string(),
        admin1_ar: "حماة".to_string(),
        geo_precision: 2,
        place_id: "geonames:170017".to_string(),
        notes: format!("A protest in Hama. {text}"),
        source_text: format!("تظاهرة في حماة {text}"),
        source: format!("Test source {text}"),
        review,
        lon: 36.75,
        lat: 35.13,
    }
}

/// Starts the binary on a free port of 127.0.0.1; returns it and its base URL.
fn serve(data: &Path) -> (Server, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn the server");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let started = Instant::now();
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server exits before printing its address")
            .expect("read stderr");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().trim_end_matches('/').to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no start-up line"
        );
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (server, url)
}

#[test]
fn web_map_in_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("web/node_modules/playwright-core").is_dir(),
        "web/node_modules/playwright-core is missing: run `npm ci --prefix web`"
    );

    let data = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(data.path()).expect("store");
    store
        .upsert(
            &[
                incident("TEST-HTML-1", Review::Curated, HOSTILE),
                incident("TEST-EXTRACTED-1", Review::Extracted, "(extracted)"),
            ],
            &[],
        )
        .expect("store the test incidents");
    drop(store);

    let (server, url) = serve(data.path());
    let shots = root.join("tests/output/screenshots");
    let out = Command::new("node")
        .arg(root.join("web/test/browser.mjs"))
        .arg(&url)
        .arg(&shots)
        .env("XSS_INCIDENT_ID", "TEST-HTML-1")
        .current_dir(root)
        .output()
        .expect("node must be installed");
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser checks passed"), "{stdout}");
}
