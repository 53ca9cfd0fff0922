//! The binary itself: `serve` on a free port (stopped by its PID), `geocode`, `export`, and
//! clear errors with a non-zero exit for bad flags.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");

fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_seeds_the_store_and_answers_on_a_free_port() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let started = Instant::now();
    let mut addr = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            addr = Some(rest.trim_end_matches('/').to_string());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no start-up line"
        );
    }
    let addr = addr.expect("the server prints its address");
    let (status, body) = http_get(&addr, "/api/incidents?region=idlib");
    assert_eq!(status, 200, "{body}");
    let fc: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(fc["numberMatched"], 4, "{body}");
    let (status, body) = http_get(&addr, "/api/incidents?bbox=1,2,3");
    assert_eq!(status, 400, "{body}");
    let (status, page) = http_get(&addr, "/");
    assert_eq!(status, 200);
    assert!(page.contains("<html") || page.contains("<!DOCTYPE") || page.contains("<!doctype"));
    drop(server);
    assert!(data.path().join("incidents.sqlite").exists());
}

#[test]
fn geocode_command() {
    let out = Command::new(BIN)
        .args(["geocode", "الدانا"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().nth(1).expect("a candidate");
    assert!(
        first.contains("الدانا") && first.contains("Idlib"),
        "{text}"
    );

    let out = Command::new(BIN)
        .args(["geocode", "qwxzyvvv"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unresolved"));
}

#[test]
fn export_command_writes_the_filtered_file_and_rejects_bad_flags() {
    let data = tempfile::tempdir().expect("tempdir");
    let file = data.path().join("idlib.geojson");
    let out = Command::new(BIN)
        .args([
            "export", "--region", "idlib", "--format", "geojson", "--data",
        ])
        .arg(data.path())
        .arg("-o")
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("file")).expect("json");
    assert_eq!(fc["features"].as_array().map(Vec::len), Some(4));

    let stdout = Command::new(BIN)
        .args(["export", "--datetime", "2025-11-26", "--data"])
        .arg(data.path())
        .output()
        .expect("run");
    let fc: serde_json::Value = serde_json::from_slice(&stdout.stdout).expect("json on stdout");
    assert_eq!(fc["features"][0]["id"], "SYR-2025-0008");

    let stdout = Command::new(BIN)
        .args([
            "export",
            "--actor1",
            "US-led Coalition",
            "--review",
            "curated",
        ])
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("run");
    let fc: serde_json::Value = serde_json::from_slice(&stdout.stdout).expect("json on stdout");
    assert_eq!(fc["features"].as_array().map(Vec::len), Some(1));
    assert_eq!(fc["features"][0]["id"], "SYR-2025-0008");

    for (flags, needle) in [
        (&["--bbox", "1,2,3"][..], "--bbox"),
        (&["--region", "narnia"][..], "--region"),
        (&["--format", "shp"][..], "--format"),
        (&["--datetime", "2025-02-30"][..], "--datetime"),
        (&["--review", "checked"][..], "--review"),
    ] {
        let out = Command::new(BIN)
            .arg("export")
            .args(flags)
            .arg("--data")
            .arg(data.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("error:") && err.contains(needle),
            "{flags:?}: {err}"
        );
    }
}
