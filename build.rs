//! Build script: gathers the web front-end into `$OUT_DIR/web/` so that
//! `src/http/web.rs` can embed it in the binary.
//!
//! It copies the page's own files from `web/src/` and the few files the page
//! needs from npm packages installed in `web/node_modules/` (installed by
//! `npm ci --prefix web` from the pinned `web/package-lock.json`). It never
//! touches the network: if the packages are missing the build fails and says
//! how to install them.

use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Files taken from `web/node_modules/`: (path inside node_modules, name under `/assets/`).
///
/// The MapLibre module finds its worker next to itself (`./maplibre-gl-worker.mjs`
/// relative to `import.meta.url`), so both are served from the same folder.
const PACKAGE_FILES: &[(&str, &str)] = &[
    ("maplibre-gl/dist/maplibre-gl.mjs", "maplibre-gl.mjs"),
    (
        "maplibre-gl/dist/maplibre-gl-worker.mjs",
        "maplibre-gl-worker.mjs",
    ),
    ("maplibre-gl/dist/maplibre-gl.css", "maplibre-gl.css"),
    ("maplibre-gl/LICENSE.txt", "licenses/maplibre-gl.txt"),
    // Served as `.mjs` so MapLibre's module worker loads it with `import()`
    // (a `.js` plugin would be run with `eval`, which the page's CSP forbids).
    // The UMD bundle runs unchanged as a module: it registers itself on `self`.
    (
        "@mapbox/mapbox-gl-rtl-text/dist/mapbox-gl-rtl-text.js",
        "mapbox-gl-rtl-text.mjs",
    ),
    (
        "@mapbox/mapbox-gl-rtl-text/LICENSE.md",
        "licenses/mapbox-gl-rtl-text.md",
    ),
];

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?).join("web");
    let web = root.join("web");
    let node_modules = web.join("node_modules");

    println!("cargo:rerun-if-changed=web/src");
    println!("cargo:rerun-if-changed=web/package-lock.json");
    // Embedded by src/http/glyphs.rs; include_dir does not track the files itself.
    println!("cargo:rerun-if-changed=web/fonts/glyphs");

    if !node_modules.join("maplibre-gl").is_dir() {
        return Err("web/node_modules is missing: run `npm ci --prefix web` first".to_string());
    }

    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    copy_tree(&web.join("src"), &out)
        .map_err(|e| format!("cannot copy web/src into {}: {e}", out.display()))?;

    // The glyphs embedded by src/http/glyphs.rs come from fonts under the OFL, which travels with them.
    copy_file(
        &web.join("fonts/OFL.txt"),
        &out.join("licenses/noto-fonts-ofl.txt"),
    )
    .map_err(|e| format!("cannot copy web/fonts/OFL.txt: {e}"))?;

    for (source, target) in PACKAGE_FILES {
        let from = node_modules.join(source);
        println!("cargo:rerun-if-changed=web/node_modules/{source}");
        if !from.is_file() {
            return Err(format!(
                "web/node_modules/{source} is missing: run `npm ci --prefix web` first"
            ));
        }
        copy_file(&from, &out.join(target))
            .map_err(|e| format!("cannot copy web/node_modules/{source}: {e}"))?;
    }
    Ok(())
}

/// Copies every file under `from` into `to`, keeping the relative layout.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            copy_file(&entry.path(), &target)?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(from, to).map(|_| ())
}
