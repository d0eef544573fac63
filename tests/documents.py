"""Real-looking PDF and Word files made on the spot (reportlab, python-docx), with the text they hold."""

from __future__ import annotations

from pathlib import Path

COUNTY_TITLE = "2023年青山县教育局工作总结"
COUNTY_HEADER = "青山县教育局文件"
# (heading or None, paragraphs): the report as a reader sees it
COUNTY = [
    (None, ["2023年，县教育局在县委、县政府的坚强领导下，坚持以习近平新时代中国特色社会主义思想为指导，"
            "全面贯彻党的教育方针，落实立德树人根本任务，全县教育事业持续健康发展。现将一年来的工作总结如下。"]),
    ("一、主要工作成效", []),
    ("（一）学前教育普惠发展", ["全年新建、改扩建公办幼儿园6所，新增学位1260个，普惠性幼儿园覆盖率达到92.5%，"
                          "较上年提高3.1个百分点。加强幼儿园保教质量督导评估，纠正小学化倾向。"]),
    ("（二）义务教育优质均衡", ["推进义务教育优质均衡发展县创建，完成12所农村学校标准化建设，城区学校大班额全部消除。"
                          "深化集团化办学，组建教育集团5个，覆盖学校31所，促进城乡教育资源共享。",
                          "落实“双减”政策，校内课后服务实现全覆盖，学生参与率达到96%。"]),
    ("（三）校园安全稳定", ["开展防溺水专项治理行动，组织家访教师2300余人次，发放致家长一封信4.2万份，"
                      "在重点水域设立警示牌186块，全年未发生学生溺水死亡事故。加强校车安全管理，"
                      "校车驾驶员全部持证上岗。"]),
    ("二、存在的问题", ["农村学校教师结构性缺编问题仍然突出，音体美等学科专任教师不足；部分学校办学条件仍需改善，"
                    "城区学位供给压力较大。"]),
    ("三、2024年工作打算", ["坚持教育优先发展，加快推进城区新建学校建设，持续深化教育教学改革，"
                        "全面提高教育质量，办好人民满意的教育。"]),
]
CHARS_PER_LINE = 28


def county_paragraphs() -> list[str]:
    return [p for _, ps in COUNTY for p in ps]


def wrap(paragraph: str, width: int = CHARS_PER_LINE) -> list[str]:
    """Hard-wrap as a typesetter does: a line never starts with a closing punctuation mark."""
    lines: list[str] = []
    for i in range(0, len(paragraph), width):
        chunk = paragraph[i:i + width]
        while lines and chunk and chunk[0] in "，。；：、！？）”":
            lines[-1] += chunk[0]
            chunk = chunk[1:]
        if chunk:
            lines.append(chunk)
    return lines


def make_county_pdf(path: Path, lines_per_page: int = 14, footer: str = "- {n} -") -> Path:
    """The county report set in STSong-Light: hard-wrapped lines, a running header, '- N -' footers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows: list[tuple[str, int]] = [(COUNTY_TITLE, 18)]
    for heading, paragraphs in COUNTY:
        if heading:
            rows.append((heading, 14))
        for p in paragraphs:
            rows += [(line, 12) for line in wrap("\u3000\u3000" + p)]
    pages = [rows[i:i + lines_per_page] for i in range(0, len(rows), lines_per_page)]
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Microsoft Word - 总结.docx")
    for n, page in enumerate(pages, start=1):
        c.setFont("STSong-Light", 9)
        c.drawCentredString(width / 2, height - 40, COUNTY_HEADER)
        y = height - 90
        for text, size in page:
            c.setFont("STSong-Light", size)
            c.drawString(72, y, text)
            y -= size * 2.2
        c.setFont("STSong-Light", 10)
        c.drawCentredString(width / 2, 36, footer.format(n=n, total=len(pages)))
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A page that is only a picture (of nothing legible), as a scanner makes it."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.effect_noise((200, 280), 60).convert("RGB")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(img), 40, 40, width=500, height=700)
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, COUNTY_TITLE)
    c.showPage()
    c.save()
    return path


def make_empty_pages_pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.showPage()
    c.save()
    return path
