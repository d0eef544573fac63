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
# a 年报 whose subsections start their paragraph (an inline heading), the first wrapped in a word (依申|请)
INLINE_HEADINGS = [
    (None, ["2024年，县教育局认真落实政府信息公开各项要求，主动公开和依申请公开工作稳步推进。现将有关情况报告如下。"]),
    ("一、总体情况", ["（一）依申请公开情况。根据《条例》和上级部门关于依申请办理的规范要求，健全受理、登记、"
                  "审核、答复各环节，全年受理政府信息公开申请17件，均在法定期限内予以答复。",
                  "（二）政府信息管理情况。严格执行先审后发制度，全年清理过期信息120条。"]),
]


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


def make_county_pdf(path: Path, lines_per_page: int = 14, footer: str = "- {n} -",
                    title: tuple[str, ...] = (COUNTY_TITLE,), report: list = COUNTY) -> Path:
    """The county report (or another in its shape) set in STSong-Light: hard-wrapped lines, a running
    header, '- N -' footers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows: list[tuple[str, int]] = [(line, 18) for line in title]
    for heading, paragraphs in report:
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


PLAN_TITLE = "2024年绿水县教育局工作要点"
PLAN_TABLE = [["指标", "2023年", "2024年目标"], ["普惠性幼儿园覆盖率", "90%", "92%"], ["义务教育巩固率", "98.6%", "99%"]]
# (style, numbering level or None, text): numbering is Word's, not typed
PLAN = [
    ("Title", None, PLAN_TITLE),
    ("Normal", None, "2024年全县教育工作的总体思路是：坚持立德树人，推动教育高质量发展。"),
    ("Heading 1", 0, "总体要求"),
    ("Normal", None, "以办好人民满意的教育为目标，深化教育改革，促进教育公平。"),
    ("Heading 1", 0, "重点任务"),
    ("Heading 2", 1, "推进学前教育普及普惠"),
    ("Normal", None, "新建公办幼儿园3所，扩大普惠性学前教育资源。主要指标如下表。"),
    ("table", None, ""),
    ("Heading 2", 1, "加强校园安全管理"),
    ("Normal", None, "深入开展防溺水专项治理，落实“七不准”要求，强化家校共育。"),
    ("标题 1", 0, "保障措施"),
    ("Normal", None, "加大教育经费投入，确保一般公共预算教育支出逐年只增不减。"),
]
PLAN_HEADINGS = ["一、总体要求", "二、重点任务", "（一）推进学前教育普及普惠", "（二）加强校园安全管理", "三、保障措施"]

_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>"""
_NUM = """<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">
  <w:abstractNumId w:val="90"/></w:num>"""


def make_plan_docx(path: Path) -> Path:
    """A .docx as Word writes it: Title and heading styles (one named 标题 1), Word's own
    numbering (一、 （一）, not in the text), a table, and core properties that are not the report's."""
    import datetime

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    numbering.append(parse_xml(_NUM))
    cn_heading = doc.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    cn_heading.base_style = doc.styles["Normal"]
    for style, level, text in PLAN:
        if style == "table":
            table = doc.add_table(rows=len(PLAN_TABLE), cols=len(PLAN_TABLE[0]))
            for r, row in enumerate(PLAN_TABLE):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        p = doc.add_paragraph(text, style=style)
        if level is not None:
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().set(qn("w:val"), str(level))
            num_pr.get_or_add_numId().set(qn("w:val"), "90")
    doc.core_properties.title = "模板"
    doc.core_properties.created = datetime.datetime(2019, 3, 1)
    doc.save(str(path))
    return path


TABLE_TITLE = "2023年青山县教育局教育统计工作总结"
# the report's table as a reader sees it: a header row, rows of figures, a note merged across the row
STATS_TABLE = [
    ["项目", "2019年", "2020年", "2021年", "2022年", "2023年"],
    ["学前三年毛入园率", "88.0%", "89.6%", "90.4%", "91.2%", "93.5%"],
    ["小学净入学率", "99.8%", "99.9%", "99.9%", "99.9%", "100%"],
    ["初中巩固率（A|B类*合计）", "97.0%", "97.5%", "97.9%", "98.1%", "98.6%"],
]
STATS_NOTE = "注：2023年数据为快报数"
STATS_BOX = "说明：以上数据来自全县教育事业统计年报。"


def make_table_docx(path: Path) -> Path:
    """A report with a Word table (its last row one cell merged across it) and a one-column table
    that only boxes a paragraph."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(TABLE_TITLE, style="Title")
    doc.add_paragraph("一、主要指标", style="Heading 1")
    doc.add_paragraph("全县主要教育指标如下表。")
    table = doc.add_table(rows=len(STATS_TABLE) + 1, cols=len(STATS_TABLE[0]))
    for r, row in enumerate(STATS_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    note = table.cell(len(STATS_TABLE), 0).merge(table.cell(len(STATS_TABLE), len(STATS_TABLE[0]) - 1))
    note.text = STATS_NOTE
    doc.add_table(rows=1, cols=1).cell(0, 0).text = STATS_BOX
    doc.add_paragraph("二、防溺水工作", style="Heading 1")
    doc.add_paragraph("开展防溺水专项教育，覆盖全县中小学生。")
    doc.save(str(path))
    return path


def make_docx_bomb(path: Path, unpacked_mb: int = 200) -> Path:
    """A real .docx plus one part that unpacks to far more than any report."""
    import zipfile

    make_plan_docx(path)
    zero = bytes(1 << 20)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z, z.open("word/media/bomb.bin", "w") as f:
        for _ in range(unpacked_mb):
            f.write(zero)
    return path


# The same kind of report with nothing in its words to say which lines are the title and the
# headings: only their type does (bold, as Word makes a Chinese font bold: filled and outlined).
BOLD_TITLE = "青山县教育这一年"
BOLD_REPORT = [
    ("bold", "主要工作成效"),
    ("para", "全年新建、改扩建公办幼儿园6所，新增学位1260个，普惠性幼儿园覆盖率达到92.5%，较上年提高3.1个百分点。"),
    ("lead", ("一是", "抓好校园安全，开展防溺水专项治理行动，组织家访教师2300余人次，在重点水域设立警示牌186块。")),
    ("boldpara", "全年未发生一起学生溺水死亡事故。"),
    ("bold", "关于进一步加强农村学校教师队伍建设和提高乡村教育质量的几点思考"),
    ("plain", "（一）补足配齐教师"),
    ("para", "农村学校教师结构性缺编问题仍然突出，音体美等学科专任教师不足，需要统筹调配编制资源。"),
    ("plain", "（二）改善办学条件"),
    ("para", "部分学校办学条件仍需改善，城区学位供给压力较大，要加快推进城区新建学校建设。"),
    ("bold", "下一步打算"),
    ("para", "坚持教育优先发展，持续深化教育教学改革，全面提高教育质量，办好人民满意的教育。"),
]
BOLD_HEADINGS = ["主要工作成效", "关于进一步加强农村学校教师队伍建设和提高乡村教育质量的几点思考", "（一）补足配齐教师",
                 "（二）改善办学条件", "下一步打算"]


def bold_report_paragraphs() -> list[str]:
    out = []
    for kind, text in BOLD_REPORT:
        if kind in ("para", "boldpara"):
            out.append(text)
        elif kind == "lead":
            out.append("".join(text))
    return out


def make_bold_pdf(path: Path, bold: bool = True, title: str = BOLD_TITLE) -> Path:
    """BOLD_REPORT in STSong-Light, every line the same size; with bold=False the title and
    headings are set like the text, and nothing but their words is left to tell them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows: list[list[tuple[str, bool]]] = [[(line, True)] for line in wrap(title)]
    for kind, text in BOLD_REPORT:
        if kind in ("bold", "plain"):
            rows += [[(line, kind == "bold")] for line in wrap(text)]
        elif kind == "lead":  # a paragraph that opens with a few bold words
            lines = wrap("\u3000\u3000" + "".join(text))
            rows.append([("\u3000\u3000" + text[0], True), (lines[0][2 + len(text[0]):], False)])
            rows += [[(line, False)] for line in lines[1:]]
        else:
            rows += [[(line, kind == "boldpara")] for line in wrap("\u3000\u3000" + text)]
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setLineWidth(0.35)
    y = A4[1] - 90
    for parts in rows:
        t = c.beginText(72, y)
        t.setFont("STSong-Light", 12)
        for text, heavy in parts:
            t.setTextRenderMode(2 if heavy and bold else 0)
            t.textOut(text)
        t.setTextRenderMode(0)
        c.drawText(t)
        y -= 12 * 2.2
    c.showPage()
    c.save()
    return path


ANNUAL_TITLE = "青山县人民政府2025年政府信息公开工作年度报告"
# The national 年报 table: a vertical merged cell, rows numbered 一、 （一） 1. ending in columns of numbers
ANNUAL_TABLE_ROWS = [
    ("一、本年新收政府信息公开申请数量", [12, 0, 0, 0, 0, 0, 12]),
    ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
    ("（一）予以公开", [9, 0, 0, 0, 0, 0, 9]),
    ("（二）部分公开", [2, 0, 0, 0, 0, 0, 2]),
    ("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
    ("2.重复申请", [1, 0, 0, 0, 0, 0, 1]),
    ("（三）总计", [13, 0, 0, 0, 0, 0, 13]),
    ("四、结转下年度继续办理", [0, 0, 0, 0, 0, 0, 0]),
]
ANNUAL_VERTICAL = "三、本年度办理结果"  # set one character a line down the table's first column


def make_annual_report_pdf(path: Path) -> Path:
    """A 政府信息公开年报 as counties print it: sections 一、 to 五、, and under 三、 the national
    table with its vertical cell and its numbered rows of numbers, drawn cell by cell."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    y = height - 80

    def line(text: str, size: int = 12) -> None:
        nonlocal y
        c.setFont("STSong-Light", size)
        c.drawString(72, y, text)
        y -= size * 2

    line(ANNUAL_TITLE, 18)
    line("本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限为2025年全年。")
    line("一、总体情况")
    line("2025年，县政府认真落实政府信息公开各项要求，主动公开政府信息一千余条。")
    line("二、主动公开政府信息情况")
    line("全年制发规范性文件三件，均已在政府网站公开。")
    line("三、收到和处理政府信息公开申请情况")
    c.setFont("STSong-Light", 10)
    c.setLineWidth(0.35)
    for ch in ANNUAL_VERTICAL:  # the merged cell first, one bold character a line, as Word sets it
        t = c.beginText(40, y)
        t.setFont("STSong-Light", 10)
        t.setTextRenderMode(2)
        t.textOut(ch + "\u3000")  # PDFium reads nothing from a one-glyph string of this CID font
        c.drawText(t)
        y -= 14
    y -= 10
    for label, numbers in ANNUAL_TABLE_ROWS:
        c.drawString(80, y, label)
        for k, n in enumerate(numbers):
            c.drawString(300 + 34 * k, y, str(n))
        y -= 18
    y -= 10
    line("四、政府信息公开行政复议、行政诉讼情况")
    line("全年未发生政府信息公开行政复议和行政诉讼案件。")
    line("五、存在的主要问题及改进情况")
    line("公开内容的及时性仍需提高，下一步将健全信息发布审核机制。")
    c.showPage()
    c.save()
    return path
