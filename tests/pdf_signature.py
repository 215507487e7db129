"""Checks a signed PDF with pyHanko, a PDF library that is not ours (tests/certificates.rs runs it).

Usage: pdf_signature.py FILE.pdf TRUSTED.der
Prints one JSON object: how many signatures the file holds; for the first, whether it is intact (the signed
bytes are those signed), valid (the signature verifies with the key of its certificate), trusted (that
certificate is TRUSTED.der), whether it covers the entire file, and pyHanko's bottom line; the addresses
of the page's links; and what its QR code says, read from the page rendered (PyMuPDF) by ZXing's reader
(zxing-cpp, the decoder of many phones' scanning apps), as a phone's camera would.

Usage: pdf_signature.py --qr FILE.pdf...
Prints a JSON list: what each file's QR code says (null where none is read).

OpenCV's classic QR reader was used first and missed about one code in forty of those we draw (a CI run
failed on one); ZXing reads them all, at 72 to 300 dpi.
"""

import json
import sys

import pymupdf
import zxingcpp

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main(pdf_path, cert_path):
    with open(cert_path, "rb") as f:
        root = x509.Certificate.load(f.read())
    context = ValidationContext(trust_roots=[root])
    out = {}
    with open(pdf_path, "rb") as f:
        reader = PdfFileReader(f, strict=True)
        signatures = reader.embedded_signatures
        out["signatures"] = len(signatures)
        if signatures:
            status = validate_pdf_signature(signatures[0], context)
            out.update(
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=status.coverage.name,
                bottom_line=bool(status.bottom_line),
                signer=status.signing_cert.subject.human_friendly,
            )
        links = []
        for page in reader.root["/Pages"]["/Kids"]:
            for annot in page.get_object().get("/Annots", []):
                annot = annot.get_object()
                if annot.get("/Subtype") == "/Link":
                    links.append(str(annot["/A"]["/URI"]))
        out["links"] = links
    out["qr"] = read_qr(pdf_path)
    print(json.dumps(out))


def read_qr(pdf_path):
    """The text of the first page's QR code, rendered in grey at 150 dpi; None if none is read."""
    with pymupdf.open(pdf_path) as document:
        pixmap = document[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY, alpha=False)
        image = memoryview(pixmap.samples).cast("B", (pixmap.height, pixmap.width))
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None


if __name__ == "__main__":
    if sys.argv[1] == "--qr":
        print(json.dumps([read_qr(path) for path in sys.argv[2:]]))
    else:
        main(sys.argv[1], sys.argv[2])
