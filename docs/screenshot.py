"""Make docs/screenshot.png: the results page for 教育公平, as a browser shows it.

    edusearch reindex ../shared/corpus/gov-work-reports && edusearch serve &   (the reports beside the seeds)
    python docs/screenshot.py [BASE_URL]     (default http://127.0.0.1:8000, that running `edusearch serve`)
Needs Debian's chromium and a CJK font (fonts-wqy-microhei) for the picture to read.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
out = Path(__file__).with_name("screenshot.png")
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    page = browser.new_page(viewport={"width": 1200, "height": 860})
    page.goto(base + "/search?q=%E6%95%99%E8%82%B2%E5%85%AC%E5%B9%B3")
    page.screenshot(path=str(out))
    browser.close()
print(out)
