//! Generates the SDF glyph PBFs the web map's labels use, one folder per font
//! (`<family> <style>/<start>-<end>.pbf`, the layout MapLibre requests), from
//! TrueType fonts — Debian's `fonts-noto-core` by default:
//!
//! ```sh
//! cargo run --release --manifest-path web/fonts/generate/Cargo.toml -- web/fonts/glyphs \
//!     /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
//!     /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf
//! ```
//!
//! Only ranges holding at least one glyph are written. The server combines
//! the fonts of a stack (`Noto Sans Regular,Noto Sans Arabic Regular`) at
//! request time, so each font is stored once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pbf_font_tools::prost::Message;
use pbf_font_tools::{freetype, glyph_range_for_face, Glyphs};

/// Glyph size, SDF radius and cutoff of the Mapbox/MapLibre glyph format.
const SIZE: usize = 24;
const RADIUS: usize = 8;
const CUTOFF: f64 = 0.25;
/// Code points per PBF, as MapLibre requests them.
const RANGE: u32 = 256;
/// The Basic Multilingual Plane; the labels need nothing beyond it.
const LAST: u32 = 0xFFFF;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let Some((out, fonts)) = args.split_first().filter(|(_, fonts)| !fonts.is_empty()) else {
        eprintln!("usage: incident-map-glyphs OUT_DIR FONT.ttf...");
        return ExitCode::from(2);
    };
    for font in fonts {
        if let Err(e) = generate(font, out) {
            eprintln!("error: {}: {e}", font.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn generate(font: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let library = freetype::Library::init()?;
    let face = library.new_face(font, 0)?;
    let mut written = 0;
    let mut glyphs = 0;
    let mut folder = None;
    for start in (0..=LAST).step_by(RANGE as usize) {
        let end = start + RANGE - 1;
        let stack = glyph_range_for_face(&face, start, end, SIZE, RADIUS, CUTOFF)?;
        if stack.glyphs.is_empty() {
            continue;
        }
        let dir = out.join(&stack.name);
        if folder.is_none() {
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            std::fs::create_dir_all(&dir)?;
            folder = Some(dir.clone());
        }
        glyphs += stack.glyphs.len();
        let message = Glyphs {
            stacks: vec![stack],
        };
        std::fs::write(
            dir.join(format!("{start}-{end}.pbf")),
            message.encode_to_vec(),
        )?;
        written += 1;
    }
    match folder {
        Some(dir) => eprintln!("{}: {glyphs} glyphs in {written} ranges", dir.display()),
        None => eprintln!("{}: no glyphs", font.display()),
    }
    Ok(())
}
