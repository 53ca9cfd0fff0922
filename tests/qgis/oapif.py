"""QGIS itself reads the OGC API – Features endpoint.

Starts `incident-map serve` on a free port of 127.0.0.1 over a fresh data directory (the
curated seed incidents), adds the incidents and the governorates as OAPIF layers in headless
QGIS (PyQGIS, QT_QPA_PLATFORM=offscreen), and checks what QGIS sees against the JSON API:
the feature count, the typed fields, the same features with large and with small pages, and a
box filter. With --screenshot FILE it also renders the two layers to a PNG.

Usage: /usr/bin/python3 tests/qgis/oapif.py path/to/incident-map [--screenshot FILE]
Exit status 0 when every check holds; the server is stopped by its PID either way.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402  (the platform must be chosen first)
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsRectangle,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, QVariant  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

# the web map's colours by ACLED event type
COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}


def start_server(binary, data_dir):
    proc = subprocess.Popen(
        [binary, "serve", "--addr", "127.0.0.1:0", "--data", data_dir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = None
    for line in proc.stderr:
        if "listening on http://" in line:
            address = line.split("listening on http://", 1)[1].strip().rstrip("/")
            break
    if address is None:
        proc.kill()
        raise SystemExit("the server did not start")
    # keep reading its log so it never blocks on a full pipe
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, address


def api_ids(address, query=""):
    url = f"http://{address}/api/incidents?limit=100000&{query}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return [f["id"] for f in json.load(r)["features"]]


def layer(address, typename, page_size):
    uri = f"url='http://{address}/ogc' typename='{typename}' pageSize='{page_size}'"
    lyr = QgsVectorLayer(uri, typename, "OAPIF")
    check(lyr.isValid(), f"{typename} layer with pageSize {page_size} is valid")
    return lyr


failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(address, screenshot):
    want = api_ids(address)
    incidents = layer(address, "incidents", 1000)
    check(incidents.featureCount() == len(want), f"feature count {incidents.featureCount()} == {len(want)}")
    fields = incidents.fields()
    types = {f.name(): f.type() for f in fields}
    check(types.get("fatalities") in (QVariant.Int, QVariant.LongLong), f"fatalities is an integer ({types.get('fatalities')})")
    check(types.get("event_date") == QVariant.Date, f"event_date is a date ({types.get('event_date')})")
    got = [f["id"] for f in incidents.getFeatures()]
    check(sorted(got) == sorted(want), "the same incidents as /api/incidents")

    small = layer(address, "incidents", 3)
    got = [f["id"] for f in small.getFeatures()]
    check(len(got) == len(set(got)) and sorted(got) == sorted(want), f"pages of 3: {len(got)} incidents, none twice, none missing")

    box = QgsRectangle(36.0, 34.0, 39.0, 36.6)
    got = [f["id"] for f in incidents.getFeatures(QgsFeatureRequest().setFilterRect(box))]
    want_box = api_ids(address, "bbox=36,34,39,36.6")
    check(sorted(got) == sorted(want_box) and len(want_box) > 0, f"box filter: {len(got)} == {len(want_box)}")

    arabic = [f["location_ar"] for f in incidents.getFeatures()]
    check(any("\u0600" <= c <= "\u06ff" for s in arabic if s for c in s), "Arabic place names intact")

    style_of_the_geopackage(address)

    regions = layer(address, "regions", 100)
    check(regions.featureCount() == 14, f"14 governorates ({regions.featureCount()})")

    if screenshot:
        render(incidents, regions, screenshot)


def style_of_the_geopackage(address):
    """An exported GeoPackage opens in QGIS coloured by event type (its layer_styles table)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "incidents.gpkg")
        with urllib.request.urlopen(f"http://{address}/api/export?format=gpkg", timeout=60) as r:
            with open(path, "wb") as f:
                f.write(r.read())
        lyr = QgsVectorLayer(f"{path}|layername=incidents", "incidents", "ogr")
        check(lyr.isValid(), "the exported GeoPackage opens")
        renderer = lyr.renderer()
        check(
            renderer is not None
            and renderer.type() == "categorizedSymbol"
            and renderer.classAttribute() == "event_type"
            and len(renderer.categories()) == len(COLOURS) + 1,
            f"its default style colours by event type ({renderer.type() if renderer else None})",
        )
        if renderer is not None and renderer.type() == "categorizedSymbol":
            colours = {c.value(): c.symbol().color().name() for c in renderer.categories()}
            check(all(colours.get(k) == v for k, v in COLOURS.items()), "with the web map's colours")
        del lyr


def render(incidents, regions, path):
    regions.setRenderer(regions.renderer().clone())
    regions.renderer().setSymbol(
        QgsFillSymbol.createSimple({"color": "#fbf8f1", "outline_color": "#a08d5f", "outline_width": "0.4"})
    )
    categories = [
        QgsRendererCategory(name, QgsMarkerSymbol.createSimple({"name": "circle", "color": colour, "size": "4", "outline_color": "white"}), name)
        for name, colour in COLOURS.items()
    ]
    incidents.setRenderer(QgsCategorizedSymbolRenderer("event_type", categories))
    settings = QgsMapSettings()
    settings.setLayers([incidents, regions])
    settings.setBackgroundColor(QColor("#b8d4e8"))
    settings.setOutputSize(QSize(1000, 800))
    extent = regions.extent()
    extent.scale(1.05)
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    check(job.renderedImage().save(path, "PNG"), f"rendered {path}")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    with tempfile.TemporaryDirectory() as data:
        proc, address = start_server(binary, data)
        try:
            run(address, screenshot)
        except Exception as e:  # a crash is a failed check, and the server still stops
            check(False, f"unexpected error: {e!r}")
        finally:
            proc.kill()
            proc.wait()
    print(f"QGIS OAPIF checks: {len(failures)} failed", flush=True)
    # exiting through QGIS's teardown can hang or crash headless; the checks are done
    os._exit(1 if failures else 0)


main()
