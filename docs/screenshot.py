"""Make docs/screenshot.png: the results page for 校园安全 as a new user sees it, over the bundled reports
(seeds/ and the report fixtures of tests/), in a desktop browser window.

    python docs/screenshot.py

Indexes those folders into a temporary folder, serves them with `edusearch serve`, takes the picture
with Playwright and Debian's chromium, and writes it with a 64-colour palette (a third of the size).
Needs a CJK font (Debian: fonts-wqy-microhei) for the picture to read.
"""

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers import CORPUS, running_server  # noqa: E402

from indexer.store.build import reindex  # noqa: E402

WIDTH, HEIGHT = 1280, 860
out = Path(__file__).with_name("screenshot.png")
with tempfile.TemporaryDirectory() as tmp:
    reindex(Path(tmp) / "index", list(CORPUS), progress=False)
    with running_server(Path(tmp) / "index", Path(tmp) / "serve.log") as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.goto(url + "/search?q=" + quote("校园安全"))
        page.screenshot(path=str(out))
        browser.close()
Image.open(out).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
print(out, out.stat().st_size, "bytes")
