"""Hostile inputs, made on the fly (tests and benchmarks/hostile.py): zip bombs, span bombs,
flate bombs, many-page PDFs. Sizes are parameters, so tests stay small and benchmarks can go big."""

from __future__ import annotations

import io
import zipfile
import zlib

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def docx_bytes(body: str, padding: int = 0) -> bytes:
    """A minimal .docx whose body is ``body`` (WordprocessingML), followed by ``padding`` spaces
    inside the XML (they deflate about 1000:1: a zip bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{body}'
                         .encode())
            block = b" " * (1 << 20)
            for _ in range(padding >> 20):
                stream.write(block)
            stream.write(b" " * (padding & ((1 << 20) - 1)))
            stream.write(b"</w:body></w:document>")
    return buffer.getvalue()


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def grid_span_docx(span: int = 2_000_000_000) -> bytes:
    """A .docx with a table cell that claims to span ``span`` columns, and a blank merged cell."""
    cell = ('<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' + paragraph("合计") + "</w:tc>").format(span=span)
    merged = '<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
    table = (f"<w:tbl><w:tr>{cell}<w:tc>{paragraph('1')}</w:tc></w:tr>"
             f"<w:tr>{merged}<w:tc>{paragraph('XX年')}</w:tc></w:tr></w:tbl>")
    return docx_bytes(paragraph("某区2023年政府信息公开工作年度报告") + table)


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, compress: bool) -> bytes:
    if compress:
        packer = zlib.compressobj(9)
        data = packer.compress(data) + packer.flush()
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_bytes(pages: int = 1, text: str = "2023 report", inflated: int = 0) -> bytes:
    """A PDF of ``pages`` pages, each showing ``text``; with ``inflated`` > 0 the first page's content
    stream is Flate-compressed and padded with that many bytes of spaces (a flate bomb)."""
    kids = " ".join(f"{4 + 2 * page} 0 R" for page in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for page in range(pages):
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET\n".encode()
        if page == 0 and inflated:
            content += b" " * inflated
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * page} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>".encode())
        objects.append(_stream(content, compress=page == 0 and inflated > 0))
    return _pdf(objects)
