"""Summarises a run of scripts/bench/run.sh.

Reads OUT/meta.json and OUT/records.jsonl (one JSON object per measurement), writes
OUT/results.json (the machine, the versions, every record and the medians per size) and
OUT/results.md (the tables, checked against the targets), and prints the Markdown.

    python3 scripts/bench/summarise.py OUT
"""

import json
import statistics
import sys
from pathlib import Path

MB = 1e6  # decimal megabytes throughout: 1 MB = 10^6 bytes


def fmt_int(n):
    return f"{n:,.0f}"


def median_wrk(runs):
    """Medians over the rounds of one case and server, plus the summed non-2xx."""
    if not runs:
        return None
    w = [r["wrk"] for r in runs]
    return {
        "rounds": len(w),
        "rps": statistics.median(x["rps"] for x in w),
        "p50_ms": statistics.median(x["p50_ms"] for x in w),
        "p99_ms": statistics.median(x["p99_ms"] for x in w),
        "non2xx": sum(x["non2xx"] for x in w),
        "socket_errors": sum(x["socket_errors"] for x in w),
        "rps_each": [round(x["rps"], 1) for x in w],
        "load1_before": [r["load1_before"] for r in runs if "load1_before" in r],
    }


def summarise_size(recs):
    def one(case, **match):
        for r in recs:
            if r["case"] == case and all(r.get(k) == v for k, v in match.items()):
                return r
        return None

    def runs(case, server):
        return [r for r in recs if r["case"] == case and r.get("server") == server and "wrk" in r]

    s = {
        "count": recs[0]["count"],
        "ogc_items_ours": median_wrk(runs("ogc_items", "ours")),
        "ogc_items_pygeoapi": median_wrk(runs("ogc_items", "pygeoapi")),
        "api_incidents_ours": median_wrk(runs("api_incidents", "ours")),
        "tile_ours": median_wrk(runs("tile", "ours")),
        "tile_skipped": (one("tile") or {}).get("skipped"),
        "tile_path": (one("tile_path") or {}).get("path"),
        "tile_first": one("tile_first"),
        "same_answer": (one("same_answer") or {}).get("check"),
        "generate_geojsonl": one("generate_geojsonl"),
        "fill": one("fill"),
        "ogr2ogr_spatialite": one("ogr2ogr_spatialite"),
        "startup_s": (one("startup") or {}).get("seconds"),
        "startup_load1_before": (one("startup") or {}).get("load1_before"),
        "rss_after_load_kb": (one("rss_after_load") or {}).get("vmhwm_kb"),
        "rss_after_export_kb": (one("rss_after_export") or {}).get("vmhwm_kb"),
        "pygeoapi_vmhwm_kb_sum": (one("pygeoapi_rss") or {}).get("vmhwm_kb_sum"),
        "export": {},
    }
    o, t = s["ogc_items_ours"], s["ogc_items_pygeoapi"]
    s["ogc_rps_ratio"] = o["rps"] / t["rps"] if o and t and t["rps"] > 0 else None
    plain = one("export_geojson", encoding="identity")
    for enc in ("identity", "gzip", "br"):
        r = one("export_geojson", encoding=enc)
        if r:
            secs = float(r["seconds"])
            s["export"][enc] = {
                "bytes": r["bytes"],
                "seconds": secs,
                "mb_per_s": r["bytes"] / MB / secs if secs else None,
                # the GeoJSON delivered per second, counted uncompressed
                "geojson_mb_per_s": plain["bytes"] / MB / secs if plain and secs else None,
            }
    return s


def verdict(value, target, higher_is_better, unit):
    if value is None:
        return "not measured"
    if (value >= target) if higher_is_better else (value < target):
        return "met"
    if higher_is_better:
        return f"missed by {target - value:,.2f} {unit} ({(1 - value / target) * 100:.0f} % short)"
    return f"missed by {value - target:,.2f} {unit} ({(value / target - 1) * 100:.0f} % over)"


def targets(size, s):
    """The targets, checked at the largest size of the run."""
    o = s["ogc_items_ours"]
    tile = s["tile_ours"]
    plain = s["export"].get("identity")
    peak_kb = max(x for x in (s["rss_after_load_kb"], s["rss_after_export_kb"], 0) if x is not None)
    rows = [
        ("requests/s on the OGC bbox items query, ours ÷ pygeoapi", "≥ 50×",
         s["ogc_rps_ratio"], 50, True, "×"),
        ("p99 latency of the OGC bbox items query at 2 connections", "< 5 ms",
         o and o["p99_ms"], 5, False, "ms"),
        ("start-up until /healthz answers", "< 3 s", s["startup_s"], 3, False, "s"),
        ("peak RSS (VmHWM) after the load and the exports", "< 1,500 MB",
         peak_kb * 1024 / MB if peak_kb else None, 1500, False, "MB"),
        ("full GeoJSON export, uncompressed", "≥ 500 MB/s",
         plain and plain["mb_per_s"], 500, True, "MB/s"),
        ("tile p50 latency", "< 5 ms", tile and tile["p50_ms"], 5, False, "ms"),
    ]
    out = []
    for name, goal, value, target, higher, unit in rows:
        if name.startswith("tile") and tile is None:
            v = f"not measured: {s['tile_skipped'] or 'no tile runs'}"
            out.append({"target": name, "goal": goal, "value": None, "verdict": v})
            continue
        out.append({"target": name, "goal": goal, "value": value,
                    "verdict": verdict(value, target, higher, unit), "unit": unit})
    return {"at_count": size, "rows": out}


def markdown(meta, sizes, tgt):
    cols = list(sizes)
    head = "| | " + " | ".join(f"{fmt_int(n)} incidents" for n in cols) + " |"
    sep = "|---|" + "---|" * len(cols)
    lines = []

    def row(label, f):
        cells = []
        for n in cols:
            try:
                cells.append(f(sizes[n]))
            except (TypeError, KeyError, ZeroDivisionError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def wrk_cell(key):
        def f(s):
            w = s[key]
            if w is None:
                return "–"
            extra = f", {w['non2xx']} non-2xx" if w["non2xx"] else ""
            extra += f", {w['socket_errors']} socket errors" if w["socket_errors"] else ""
            loads = w.get("load1_before") or []
            if loads:
                lo, hi = min(loads), max(loads)
                extra += f" (load {lo:.1f})" if lo == hi else f" (load {lo:.1f}–{hi:.1f})"
            return f"{w['rps']:,.0f} req/s; p50 {w['p50_ms']:.2f} ms, p99 {w['p99_ms']:.2f} ms{extra}"
        return f

    st = meta["settings"]
    lines.append(f"wrk {st['wrk']}, {st['duration_s']} s per run after a {st['warmup_s']} s warm-up, "
                 f"medians of {st['rounds']} round(s) (the two servers alternating round by round); "
                 f"seed {st['seed']}. Load: the machine's 1-minute load average before the runs "
                 "(below 1 on an otherwise idle machine).")
    lines.append("")
    lines.append(head)
    lines.append(sep)
    q = "`/ogc/collections/incidents/items?bbox=36,35,37,36&limit=100`"
    row(f"{q}, ours", wrk_cell("ogc_items_ours"))
    row(f"{q}, pygeoapi", wrk_cell("ogc_items_pygeoapi"))
    row("requests/s, ours ÷ pygeoapi", lambda s: f"{s['ogc_rps_ratio']:.1f}×")

    def same(s):
        c = s["same_answer"]
        o, t = c["ours"], c["theirs"]
        theirs_matched = "absent" if t["numberMatched"] is None else t["numberMatched"]
        same_count = (o["numberMatched"] == t["numberMatched_resulttype_hits"]
                      and o["features"] == t["features"])
        verdict = "same counts" if same_count else "**the counts differ**"
        return (f"ours numberMatched {o['numberMatched']}, {o['features']} features; pygeoapi "
                f"numberMatched {theirs_matched} (with resulttype=hits: "
                f"{t['numberMatched_resulttype_hits']}), {t['features']} features: {verdict}")
    row("the same query answered", same)
    row("`/api/incidents?bbox=36,35,37,36&limit=100`, ours", wrk_cell("api_incidents_ours"))

    def tile(s):
        if not s["tile_ours"]:
            return f"skipped: {s['tile_skipped']}"
        first = s["tile_first"]
        made = (f"; the first request (making it) {float(first['seconds']) * 1000:.1f} ms, "
                f"{first['bytes']:,} bytes" if first else "")
        return wrk_cell("tile_ours")(s) + made
    tile_path = next((s["tile_path"] for s in sizes.values() if s["tile_path"]), "/tiles/incidents/8/…")
    row(f"tile `{tile_path}` (Aleppo), ours", tile)
    def startup(s):
        load = s["startup_load1_before"]
        return f"{s['startup_s']:.2f} s" + (f" (load {load:.1f})" if load is not None else "")
    row("start-up until /healthz answers", startup)
    row("peak RSS (VmHWM) after the load / after the exports",
        lambda s: f"{s['rss_after_load_kb'] * 1024 / MB:,.0f} / {s['rss_after_export_kb'] * 1024 / MB:,.0f} MB")
    row("pygeoapi peak RSS (gunicorn master + 2 workers, summed)",
        lambda s: f"{s['pygeoapi_vmhwm_kb_sum'] * 1024 / MB:,.0f} MB")

    def export(enc):
        def f(s):
            e = s["export"][enc]
            if enc == "identity":
                return f"{e['bytes'] / MB:,.1f} MB in {e['seconds']:.2f} s = {e['mb_per_s']:,.0f} MB/s"
            return (f"{e['bytes'] / MB:,.1f} MB in {e['seconds']:.2f} s "
                    f"({e['geojson_mb_per_s']:,.0f} MB/s of GeoJSON)")
        return f
    row("full export `/api/export?format=geojson`, uncompressed", export("identity"))
    row("the same with `Accept-Encoding: gzip`", export("gzip"))
    row("the same with `Accept-Encoding: br`", export("br"))

    def fill(s):
        f = dict(s["fill"], count=s["count"])
        how = "`incident-map import` of the GeoJSONL" if f["method"] == "import" else "synthetic example"
        secs = float(f["seconds"])
        return f"{secs:.1f} s, {f['count'] / secs:,.0f} incidents/s ({how})"
    row("filling our data directory (N incidents)", fill)
    row("GeoJSONL → SpatiaLite with ogr2ogr (for pygeoapi)",
        lambda s: f"{float(s['ogr2ogr_spatialite']['seconds']):.1f} s")

    lines.append("")
    lines.append(f"Targets, at {fmt_int(tgt['at_count'])} incidents:")
    lines.append("")
    lines.append("| target | goal | measured | verdict |")
    lines.append("|---|---|---|---|")
    for r in tgt["rows"]:
        v = r["value"]
        shown = "–" if v is None else f"{v:,.2f} {r.get('unit', '')}".strip()
        lines.append(f"| {r['target']} | {r['goal']} | {shown} | {r['verdict']} |")
    return "\n".join(lines) + "\n"


def main():
    out = Path(sys.argv[1])
    meta = json.loads((out / "meta.json").read_text())
    recs = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines() if line]
    counts = sorted({r["count"] for r in recs})
    sizes = {n: summarise_size([r for r in recs if r["count"] == n]) for n in counts}
    tgt = targets(counts[-1], sizes[counts[-1]])
    md = markdown(meta, sizes, tgt)
    result = {"meta": meta, "sizes": {str(n): s for n, s in sizes.items()}, "targets": tgt,
              "records": recs}
    (out / "results.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / "results.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
