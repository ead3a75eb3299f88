#!/usr/bin/env python3
"""Writes the XLSX fixtures of XLSXReaderTests with openpyxl (a real spreadsheet writer:
deflated parts, shared strings, styles with date formats), so the reader is tested on the
files offices actually upload. Run once after changing it: `pip install openpyxl &&
python3 Tests/ParStoreTests/Fixtures/make-xlsx.py`; the .xlsx files are committed."""
import datetime
import os
import unicodedata

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))

# people.xlsx: the people import's columns; dates typed as dates (a custom yyyy-mm-dd format),
# a rich-text name, decomposed Vietnamese (must come back NFC), a blank row between, a whole
# number for the rotation period, a second sheet that must be ignored.
wb = Workbook()
ws = wb.active
ws.title = "Nhân sự"
ws.append(["unitKey", "fullName", "kind", "position", "rank", "leadershipPost", "startedOn", "rotationYears"])
ws.append(["00004", unicodedata.normalize("NFD", "Nguyễn Văn An"), "civil_servant", "Công chức tư pháp, hộ tịch",
           "Chuyên viên", None, datetime.date(2020, 3, 1), 3])
ws.append([])
ws.append(["00004", CellRichText([TextBlock(InlineFont(b=True), "Lê Thị"), " Bình"]), "public_employee",
           "Viên chức văn hóa", None, None, datetime.date(2021, 1, 15), None])
for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
    for cell in row:
        cell.number_format = "yyyy-mm-dd"
other = wb.create_sheet("Ghi chú")
other.append(["not", "read"])
wb.save(os.path.join(HERE, "people.xlsx"))

# dates-1904.xlsx: the 1904 date system, the built-in format 14, a formula's cached text is absent
# (openpyxl does not compute), so only plain cells; column C left empty between A-B and D.
wb = Workbook()
wb.epoch = CALENDAR_MAC_1904
ws = wb.active
ws["A1"], ws["B1"], ws["D1"] = "code", "date", "amount"
ws["A2"], ws["B2"], ws["D2"] = "X1", datetime.date(2026, 2, 13), 1.5
ws["B2"].number_format = "mm-dd-yy"  # built-in id 14
ws["A3"], ws["B3"], ws["D3"] = "X2", True, 75000
wb.save(os.path.join(HERE, "dates-1904.xlsx"))

# shared-strings.xlsx: written part by part as Excel and LibreOffice write theirs (openpyxl writes
# inline strings): shared strings with rich-text and phonetic runs, the SpreadsheetML namespace
# under a prefix, rows and cells without references, a formula's cached text, an error value,
# an ISO date cell, a custom date format with a quoted literal and a time-only format.
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
parts = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/book/main.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="book/main.xml"/></Relationships>',
    "book/main.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="{NS}" xmlns:r="{REL}"><x:sheets>'
    '<x:sheet name="Hai" sheetId="2" r:id="rId7"/><x:sheet name="Một" sheetId="1" r:id="rId3"/></x:sheets></x:workbook>',
    "book/_rels/main.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId3" Type="{REL}/worksheet" Target="sheets/one.xml"/>'
    f'<Relationship Id="rId7" Type="{REL}/worksheet" Target="/book/sheets/two.xml"/>'
    f'<Relationship Id="rId8" Type="{REL}/sharedStrings" Target="strings.xml"/>'
    f'<Relationship Id="rId9" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
    "book/strings.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="{NS}" count="4" uniqueCount="4">'
    '<x:si><x:t>code</x:t></x:si><x:si><x:t>name</x:t></x:si>'
    '<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>Sở </x:t></x:r><x:r><x:t>Tư pháp</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ソ</x:t></x:rPh></x:si>'
    '<x:si><x:t><![CDATA[A & B]]></x:t></x:si></x:sst>',
    "book/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:styleSheet xmlns:x="{NS}"><x:numFmts count="2">'
    '<x:numFmt numFmtId="164" formatCode="&quot;ngày&quot; dd/mm/yyyy"/><x:numFmt numFmtId="165" formatCode="[h]:mm"/></x:numFmts>'
    '<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>'
    '<x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="165"/></x:cellXfs></x:styleSheet>',
    # The first sheet in the workbook's order is "Hai" (rId7), whatever the part is called.
    "book/sheets/two.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{NS}"><x:sheetData>'
    '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c><x:v>0</x:v></x:c></x:row>'
    '<x:row><x:c t="str"><x:f>A1&amp;"1"</x:f><x:v>code1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c s="1"><x:v>46066</x:v></x:c></x:row>'
    '<x:row r="5"><x:c r="B5" t="s"><x:v>3</x:v></x:c><x:c r="C5" s="2"><x:v>1.25</x:v></x:c><x:c r="E5" t="e"><x:v>#N/A</x:v></x:c></x:row>'
    '<x:row r="4"><x:c r="A4" t="d"><x:v>2026-12-31T00:00:00</x:v></x:c></x:row>'
    '</x:sheetData></x:worksheet>',
    "book/sheets/one.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{NS}"><x:sheetData>'
    '<x:row><x:c t="inlineStr"><x:is><x:t>not read</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>',
}
with zipfile.ZipFile(os.path.join(HERE, "shared-strings.xlsx"), "w", zipfile.ZIP_DEFLATED) as archive:
    for name, text in parts.items():
        archive.writestr(name, text)
