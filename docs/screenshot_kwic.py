"""Make docs/kwic.png: the concordance of 义务教育 sorted by left context, as a browser shows it.

    edusearch reindex ../shared/corpus/gov-work-reports && edusearch serve &   (the reports beside the seeds)
    python docs/screenshot_kwic.py [BASE_URL]     (default http://127.0.0.1:8000, that running `edusearch serve`)
Needs Debian's chromium and a CJK font (fonts-wqy-microhei) for the picture to read. The picture is
cut to 64 colours: a page of text needs no more, and the file stays small.
"""

import io
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
out = Path(__file__).with_name("kwic.png")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    page = browser.new_page(viewport={"width": 1200, "height": 860})
    page.goto(base + "/kwic?q=%E4%B9%89%E5%8A%A1%E6%95%99%E8%82%B2&sort=left")
    png = page.screenshot()
    browser.close()
try:
    from PIL import Image

    Image.open(io.BytesIO(png)).convert("RGB").quantize(64).save(out, optimize=True)
except ImportError:  # Pillow comes with matplotlib (the bench extras); without it the PNG is as taken
    out.write_bytes(png)
print(out)
