"""Checks a signed PDF with pyHanko, a PDF library that is not ours (tests/certificates.rs runs it).

Usage: pdf_signature.py FILE.pdf TRUSTED.der
Prints one JSON object: how many signatures the file holds; for the first, whether it is intact (the signed
bytes are those signed), valid (the signature verifies with the key of its certificate), trusted (that
certificate is TRUSTED.der), whether it covers the entire file, and pyHanko's bottom line; the addresses
of the page's links; and what its QR code says, read from the page rendered (PyMuPDF) by OpenCV's reader,
as a phone's camera would.
"""

import json
import sys

import cv2
import numpy
import pymupdf

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
    """The text of the first page's QR code, rendered at 150 dpi; None if none is read."""
    with pymupdf.open(pdf_path) as document:
        pixmap = document[0].get_pixmap(dpi=150)
        image = numpy.frombuffer(pixmap.samples, dtype=numpy.uint8).reshape(pixmap.height, pixmap.width, pixmap.n)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image[:, :, :3].copy())
    return text or None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
