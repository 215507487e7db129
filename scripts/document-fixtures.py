#!/usr/bin/env python3
"""Makes the PDF files the document checks are tested on, with tools that are not ours: pikepdf (qpdf) for
encryption, object streams, scripts and attachments, and Chromium's printing for a PDF as browsers write it.

    ~/.cache/zairyu-venv/bin/pip install pikepdf
    ~/.cache/zairyu-venv/bin/python scripts/document-fixtures.py shared/domain/tests/fixtures/documents

The files are committed; the tests do not run this.
"""
import pathlib
import subprocess
import sys
import tempfile

import pikepdf
from pikepdf import Dictionary, Name, Array, String

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def page_pdf(text: str) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    content = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, 595, 842]),
        Resources=Dictionary(Font=Dictionary(F1=font)),
        Contents=content,
    )
    pdf.pages.append(pikepdf.Page(page))
    return pdf


# A plain PDF, with a classic cross-reference table, and the same packed in compressed object streams.
page_pdf("Certificate of graduation").save(out / "plain.pdf", object_stream_mode=pikepdf.ObjectStreamMode.disable)
page_pdf("Certificate of graduation").save(out / "object-streams.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)

# Encrypted: a password to open it (AES-256), and only an owner password (opens without one, still encrypted).
page_pdf("Secret").save(out / "encrypted.pdf", encryption=pikepdf.Encryption(user="open", owner="owner", R=6))
page_pdf("Owner only").save(out / "encrypted-owner-only.pdf", encryption=pikepdf.Encryption(user="", owner="owner", R=4))

# JavaScript run on opening, its action packed inside a compressed object stream (a byte search misses it).
js = page_pdf("Script")
js.Root.OpenAction = js.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('hello');")))
js.save(out / "javascript.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)

# An action that starts a program.
launch = page_pdf("Launch")
launch.Root.OpenAction = Dictionary(S=Name.Launch, F=String("cmd.exe"))
launch.save(out / "launch.pdf", object_stream_mode=pikepdf.ObjectStreamMode.disable)

# A file attached inside.
attached = page_pdf("Attachment")
attached.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(attached, b"MZ not really a program")
attached.save(out / "attachment.pdf")

# Two pages, as Chromium prints them (when Chromium is here).
with tempfile.TemporaryDirectory() as d:
    html = pathlib.Path(d) / "p.html"
    html.write_text("<html><body><h1>Employment contract</h1><p style='page-break-after:always'>One</p><p>Two</p></body></html>")
    try:
        subprocess.run(
            ["chromium-headless-shell", "--no-sandbox", f"--print-to-pdf={out / 'chromium.pdf'}", "--no-pdf-header-footer", str(html)],
            check=True, capture_output=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as e:
        print("chromium.pdf not made:", e, file=sys.stderr)

for f in sorted(out.iterdir()):
    print(f.name, f.stat().st_size)
