//! Crash safety of the real binary: a client streams writes (article ingests that yield
//! incidents, PATCHes of incidents' notes, bulk imports of GeoJSON Lines) while the server is killed with SIGKILL at a seeded
//! moment; after a restart on the same data directory every acknowledged write (a 2xx received)
//! must be there, no article and no import may be half stored, and the R-tree must agree with
//! the store.
//! Three rounds on one data directory. `CRASH_SEED=<n>` replays other kill points.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use incident_map::extract::ingest::article_id;
use incident_map::incidents::synthetic;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");
const TOKEN: &str = "crash-test-token";
const ROUNDS: u64 = 3;
/// Start of the notes a PATCH sets.
const MARKER: &str = "crash round";
/// Stands for "the notes it was stored with" among the notes an incident may show.
const UNPATCHED: &str = "(not patched)";
/// Incidents per bulk import.
const IMPORT_ROWS: usize = 40;

/// splitmix64: the same seed, the same writes and kill points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// Starts `serve` with the token on a free port over `data`; waits for its address.
    fn start(data: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--token", TOKEN, "--data"])
            .arg(data)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn the server");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        // reads stderr to its end, so the server never blocks on a full pipe
        thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(rest.trim_end_matches('/').to_string());
                    }
                }
            }
        });
        let server = |addr| Server { child, addr };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => server(addr),
            Err(_) => {
                let mut s = server(String::new());
                let _ = s.child.kill();
                panic!("the server printed no address within 60 s");
            }
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; `Err` when the server is gone.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n"
    );
    if let Some((ctype, b)) = body {
        head.push_str(&format!(
            "Content-Type: {ctype}\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if let Some((_, b)) = body {
        out.extend_from_slice(b);
    }
    s.write_all(&out)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let body = raw[split + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&body)?
    } else {
        body
    };
    Ok((status, body))
}

fn dechunk(mut b: &[u8]) -> std::io::Result<Vec<u8>> {
    let bad = || std::io::Error::other("bad chunked body");
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let size_text = std::str::from_utf8(&b[..eol]).map_err(|_| bad())?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| bad())?;
        b = &b[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size + 2 {
            return Err(bad());
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

fn get_json(addr: &str, path: &str) -> (u16, Value) {
    let (status, body) = request(addr, "GET", path, None).expect("GET");
    let v = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "GET {path} → {status}: not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    (status, v)
}

/// Towns as (English, Arabic, governorate in English, in Arabic).
const TOWNS: &[(&str, &str, &str, &str)] = &[
    ("Saraqib", "سراقب", "Idlib", "إدلب"),
    ("Ariha", "أريحا", "Idlib", "إدلب"),
    ("Jisr al-Shughur", "جسر الشغور", "Idlib", "إدلب"),
    ("Palmyra", "تدمر", "Homs", "حمص"),
    ("Al-Rastan", "الرستن", "Homs", "حمص"),
    ("Douma", "دوما", "Rif Dimashq", "دمشق"),
    ("Manbij", "منبج", "Aleppo", "حلب"),
    ("Al-Bab", "الباب", "Aleppo", "حلب"),
    ("Al-Mayadin", "الميادين", "Deir ez-Zor", "دير الزور"),
    ("Al-Bukamal", "البوكمال", "Deir ez-Zor", "دير الزور"),
    ("Tafas", "طفس", "Daraa", "درعا"),
    ("Jableh", "جبلة", "Latakia", "اللاذقية"),
];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_AR: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// Article `n`: a short report in English or Arabic naming a Syrian town, with its own date
/// (three days apart from article `n - 1`, so its incidents are not duplicates of earlier ones)
/// and figure; distinct for every `n`.
fn article(n: u64) -> String {
    use chrono::Datelike;
    let day = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("date") + chrono::Days::new(n * 3);
    let (en, ar, gov, gov_ar) = TOWNS[(n as usize * 7) % TOWNS.len()];
    let (other, other_ar, other_gov, other_gov_ar) = TOWNS[(n as usize * 7 + 5) % TOWNS.len()];
    let killed = 2 + n % 9;
    let (d, m, y) = (day.day(), day.month0() as usize, day.year());
    match n % 4 {
        0 => format!(
            "On {d} {} {y}, an air strike hit the town of {en} in {gov} countryside, killing {killed} civilians, local sources said. Report number {n}.",
            MONTHS_EN[m]
        ),
        1 => format!(
            "Clashes broke out between government forces and gunmen in {en}, {gov}, on {} {d}, {y}, leaving {killed} fighters dead. Later that day, shelling hit {other} in {other_gov} countryside, wounding {n} people.",
            MONTHS_EN[m]
        ),
        2 => format!(
            "قُتل {killed} مدنيين جراء قصف مدفعي استهدف مدينة {ar} بريف {gov_ar}، في {d} {} {y}. (تقرير رقم {n})",
            MONTHS_AR[m]
        ),
        _ => format!(
            "اندلعت اشتباكات بين قوات الحكومة ومسلحين في بلدة {ar} بريف {gov_ar} يوم {d} {} {y}، ما أسفر عن مقتل {killed} عناصر. وفي اليوم ذاته انفجرت عبوة ناسفة في {other_ar} بريف {other_gov_ar}. (رقم {n})",
            MONTHS_AR[m]
        ),
    }
}

#[derive(Debug, Clone)]
enum Op {
    Article { text: String },
    Patch { id: String, marker: String },
    Import { ids: Vec<String>, body: String },
}

/// A bulk import of `IMPORT_ROWS` new incidents as GeoJSON Lines, with ids unique to the write.
fn import_batch(round: u64, w: u64, seed: u64) -> Op {
    let mut ids = Vec::new();
    let mut body = String::new();
    for (k, mut inc) in synthetic::incidents(IMPORT_ROWS, seed)
        .into_iter()
        .enumerate()
    {
        inc.id = format!("IMP-{round}-{w}-{k:02}");
        ids.push(inc.id.clone());
        body.push_str(&String::from_utf8(inc.to_feature_json()).expect("UTF-8"));
        body.push('\n');
    }
    Op::Import { ids, body }
}

#[derive(Default)]
struct Log {
    /// every write sent, in order, with the answer's stored ids when it was acknowledged
    sent: Vec<(Op, Option<Vec<String>>)>,
    /// a write answered with an unexpected status (a failure of the test)
    unexpected: Vec<String>,
}

/// Ids of the incidents an ingest answer says were stored.
fn stored_ids(answer: &Value) -> Vec<String> {
    answer["incidents"]
        .as_array()
        .expect("incidents in the answer")
        .iter()
        .filter(|i| i["status"] == "stored")
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// Sends writes until the server is gone; records each before sending and its acknowledgement.
fn write_until_killed(
    addr: String,
    mut rng: Rng,
    mut next_article: u64,
    mut patchable: Vec<String>,
    round: u64,
    log: Arc<Mutex<Log>>,
) -> u64 {
    let lock = || log.lock().expect("log");
    for w in 0.. {
        let dice = rng.below(10);
        let write = if dice < 2 {
            import_batch(round, w, rng.next())
        } else if patchable.is_empty() || dice < 7 {
            next_article += 1;
            Op::Article {
                text: article(next_article),
            }
        } else {
            Op::Patch {
                id: patchable[rng.below(patchable.len() as u64) as usize].clone(),
                marker: format!("{MARKER} {round} write {w}"),
            }
        };
        let slot = {
            let mut l = lock();
            l.sent.push((write.clone(), None));
            l.sent.len() - 1
        };
        let answer = match &write {
            Op::Article { text } => request(
                &addr,
                "POST",
                "/api/articles",
                Some(("text/plain; charset=utf-8", text.as_bytes())),
            ),
            Op::Patch { id, marker } => request(
                &addr,
                "PATCH",
                &format!("/api/incidents/{id}"),
                Some((
                    "application/json",
                    json!({ "notes": marker }).to_string().as_bytes(),
                )),
            ),
            Op::Import { body, .. } => request(
                &addr,
                "POST",
                "/api/import",
                Some(("application/geo+json-seq", body.as_bytes())),
            ),
        };
        let Ok((status, body)) = answer else {
            return next_article; // killed
        };
        if !(200..300).contains(&status) {
            lock().unexpected.push(format!(
                "{write:?} → {status}: {}",
                String::from_utf8_lossy(&body)
            ));
            continue;
        }
        let stored = match &write {
            Op::Article { .. } => {
                let v: Value = serde_json::from_slice(&body).expect("ingest answer is JSON");
                let ids = stored_ids(&v);
                patchable.extend(ids.iter().cloned());
                ids
            }
            Op::Patch { .. } => Vec::new(),
            Op::Import { ids, .. } => {
                let v: Value = serde_json::from_slice(&body).expect("import answer is JSON");
                assert_eq!(v["inserted"].as_u64(), Some(ids.len() as u64), "{v}");
                patchable.extend(ids.iter().cloned());
                ids.clone()
            }
        };
        lock().sent[slot].1 = Some(stored);
    }
    next_article
}

/// Every incident id served, from an unfiltered listing.
fn all_ids(addr: &str) -> Vec<(String, f64, f64)> {
    let (status, fc) = get_json(addr, "/api/incidents?limit=100000");
    assert_eq!(status, 200, "{fc}");
    let features = fc["features"].as_array().expect("features");
    assert_eq!(fc["numberMatched"].as_u64(), Some(features.len() as u64));
    features
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["id"].as_str().expect("id").to_string(),
                c[0].as_f64().expect("lon"),
                c[1].as_f64().expect("lat"),
            )
        })
        .collect()
}

#[test]
fn acknowledged_writes_survive_sigkill_and_articles_are_never_half_stored() {
    let started = Instant::now();
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20251124);
    println!("CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let data = tempfile::tempdir().expect("tempdir");
    // notes an incident may show: the last acknowledged marker, and a later one sent but not
    // acknowledged (it may have committed just before the kill)
    let mut notes_allowed: HashMap<String, BTreeSet<String>> = HashMap::new();
    // articles whose every stored incident must be present, with those ids
    let mut acknowledged_articles: Vec<(String, Vec<String>)> = Vec::new();
    // imports acknowledged: every row must be present from then on
    let mut acknowledged_imports: Vec<Vec<String>> = Vec::new();
    let mut next_article = 0;
    let mut total_acked = 0;

    let mut server = Server::start(data.path());
    for round in 0..ROUNDS {
        let patchable: Vec<String> = all_ids(&server.addr)
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let log = Arc::new(Mutex::new(Log::default()));
        let client = {
            let (addr, log) = (server.addr.clone(), log.clone());
            let client_rng = Rng(rng.next());
            thread::spawn(move || {
                write_until_killed(addr, client_rng, next_article, patchable, round, log)
            })
        };
        // once a first write is acknowledged, kill at a seeded moment within the next 2 s
        let waiting = Instant::now();
        while !log
            .lock()
            .expect("log")
            .sent
            .iter()
            .any(|(_, a)| a.is_some())
        {
            assert!(
                waiting.elapsed() < Duration::from_secs(60) && !client.is_finished(),
                "no write acknowledged: {:?}",
                log.lock().expect("log").unexpected
            );
            thread::sleep(Duration::from_millis(5));
        }
        let after = Duration::from_millis(rng.below(2000));
        thread::sleep(after);
        server.kill();
        next_article = client.join().expect("client thread");

        let log = std::mem::take(&mut *log.lock().expect("log"));
        assert!(log.unexpected.is_empty(), "{:#?}", log.unexpected);
        let acked = log.sent.iter().filter(|(_, a)| a.is_some()).count();
        println!(
            "round {round}: killed {after:?} after the first acknowledgement; {} writes sent, {acked} acknowledged",
            log.sent.len()
        );
        assert!(acked > 0, "no write was acknowledged before the kill");
        total_acked += acked;

        server = Server::start(data.path());
        let addr = server.addr.clone();

        let mut attempted_articles = Vec::new();
        let mut unacknowledged_imports = Vec::new();
        for (write, ack) in &log.sent {
            match (write, ack) {
                (Op::Import { ids, .. }, Some(_)) => acknowledged_imports.push(ids.clone()),
                (Op::Import { ids, .. }, None) => unacknowledged_imports.push(ids.clone()),
                (Op::Article { text }, Some(ids)) => {
                    acknowledged_articles.push((text.clone(), ids.clone()));
                    attempted_articles.push(text.clone());
                }
                (Op::Article { text }, None) => attempted_articles.push(text.clone()),
                (Op::Patch { id, marker }, Some(_)) => {
                    notes_allowed.insert(id.clone(), BTreeSet::from([marker.clone()]));
                }
                (Op::Patch { id, marker }, None) => {
                    // never patched before: its notes may still be the ones it was stored with
                    notes_allowed
                        .entry(id.clone())
                        .or_insert_with(|| BTreeSet::from([UNPATCHED.to_string()]))
                        .insert(marker.clone());
                }
            }
        }

        // every acknowledged ingest: all its stored incidents (this round's and earlier ones)
        for (_, ids) in &acknowledged_articles {
            for id in ids {
                let (status, f) = get_json(&addr, &format!("/api/incidents/{id}"));
                assert_eq!(status, 200, "acknowledged incident {id} lost: {f}");
            }
        }
        // every acknowledged import: all its rows; one in flight at the kill: all or none
        for ids in &acknowledged_imports {
            for id in ids {
                let (status, f) = get_json(&addr, &format!("/api/incidents/{id}"));
                assert_eq!(status, 200, "acknowledged imported incident {id} lost: {f}");
            }
        }
        for ids in &unacknowledged_imports {
            let present = ids
                .iter()
                .filter(|id| get_json(&addr, &format!("/api/incidents/{id}")).0 == 200)
                .count();
            assert!(
                present == 0 || present == ids.len(),
                "an import was half stored: {present} of {} rows ({}…)",
                ids.len(),
                ids[0]
            );
        }
        // every patched incident shows its last acknowledged notes (or the one in flight)
        for (id, allowed) in notes_allowed.iter_mut() {
            let (status, f) = get_json(&addr, &format!("/api/incidents/{id}"));
            assert_eq!(status, 200, "patched incident {id} lost: {f}");
            let notes = f["properties"]["notes"].as_str().unwrap_or("");
            let unpatched = !notes.starts_with(MARKER) && allowed.contains(UNPATCHED);
            assert!(
                unpatched || allowed.contains(notes),
                "{id}: notes {notes:?}, expected one of {allowed:?}"
            );
            *allowed = BTreeSet::from([notes.to_string()]);
        }
        // no article half stored: its incidents on the map are exactly what its (re-)ingest
        // answers as stored, or none at all when it was never committed
        let present: Vec<String> = all_ids(&addr).into_iter().map(|(id, _, _)| id).collect();
        for text in &attempted_articles {
            let prefix = format!("ART-{}-", &article_id(text)[..12]);
            let before: BTreeSet<&String> = present
                .iter()
                .filter(|id| id.starts_with(&prefix))
                .collect();
            let (status, body) = request(
                &addr,
                "POST",
                "/api/articles",
                Some(("text/plain; charset=utf-8", text.as_bytes())),
            )
            .expect("re-post");
            let answer: Value = serde_json::from_slice(&body).expect("answer");
            let ids = stored_ids(&answer);
            if answer["article"]["new"] == false {
                assert_eq!(status, 200, "{answer}");
                let stored: BTreeSet<&String> = ids.iter().collect();
                assert_eq!(
                    before, stored,
                    "article {prefix}: incidents on the map vs stored"
                );
            } else {
                assert_eq!(status, 201, "{answer}");
                assert!(
                    before.is_empty(),
                    "article {prefix} was not stored, yet {before:?} are on the map"
                );
                assert!(
                    !acknowledged_articles.iter().any(|(t, _)| t == text),
                    "an acknowledged article was lost: {prefix}"
                );
                acknowledged_articles.push((text.clone(), ids));
            }
        }

        // the R-tree agrees with the store: a whole-world box matches everything, and each
        // incident is found by a small box around its point
        let all = all_ids(&addr);
        let (_, world) = get_json(&addr, "/api/incidents?bbox=-180,-90,180,90&limit=1");
        assert_eq!(world["numberMatched"].as_u64(), Some(all.len() as u64));
        let (_, health) = get_json(&addr, "/healthz");
        assert_eq!(health["incidents"].as_u64(), Some(all.len() as u64));
        for (id, lon, lat) in &all {
            let e = 1e-6;
            let (status, fc) = get_json(
                &addr,
                &format!(
                    "/api/incidents?bbox={},{},{},{}&limit=100000",
                    lon - e,
                    lat - e,
                    lon + e,
                    lat + e
                ),
            );
            assert_eq!(status, 200, "{fc}");
            let found = fc["features"]
                .as_array()
                .expect("features")
                .iter()
                .any(|f| f["id"] == id.as_str());
            assert!(
                found,
                "{id} at ({lon}, {lat}) is not found by a box around it"
            );
        }
        println!(
            "round {round}: {} incidents checked, {} articles re-posted, {} imports acknowledged, {} in flight",
            all.len(),
            attempted_articles.len(),
            acknowledged_imports.len(),
            unacknowledged_imports.len()
        );
    }
    drop(server);
    assert!(total_acked >= ROUNDS as usize);
    println!(
        "{ROUNDS} rounds, {total_acked} acknowledged writes, {:?}",
        started.elapsed()
    );
}

#[test]
fn generated_articles_yield_incidents() {
    let gz = incident_map::gazetteer::Gazetteer::embedded().expect("gazetteer");
    let ex = incident_map::extract::Extractor::new(&gz);
    for n in 0..24 {
        let text = article(n);
        let out = ex.extract(&gz, &text, None).expect("extract");
        assert!(
            !out.proposals.is_empty(),
            "no incident from article {n}: {text}"
        );
    }
}
