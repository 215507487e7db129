//! Documents of proof (立証資料) uploaded with an application, at filing or when the office asks for more:
//! PDF, JPEG or PNG, each recognised and checked by its content (a PDF read whole: not encrypted, no script,
//! no attached files, not damaged; an image decoded whole within bounded dimensions), 25 MB in all with the
//! facial photo, each named by the user with what it proves.

mod pdf;

use serde::{Deserialize, Serialize};
use zune_core::bytestream::ZCursor;
use zune_core::options::DecoderOptions;

use crate::error::Localized;

pub use pdf::{MAX_INFLATED_BYTES, PdfProblem};

/// 25 MB in all for one application's documents and its photo, as the agency's system and every file
/// dialog count a megabyte: 25 × 1,024 × 1,024 bytes (a file set a computer shows as "25 MB" is never
/// refused).
pub const MAX_TOTAL_BYTES: u64 = 25 * 1024 * 1024;

/// The most documents one application holds (ours: the agency states a total size only; twenty files are
/// more than any list of documents of proof asks for, and bound what one page shows).
pub const MAX_DOCUMENTS: u32 = 20;

/// An image's longest side, in pixels: a page scanned at 600 dpi is under 7,100.
pub const MAX_IMAGE_SIDE: usize = 20_000;

/// An image's most pixels: an A4 page at 600 dpi (35 million) fits; the bound holds the memory of decoding
/// one to 40 million × 4 bytes (160 MB) whatever its header claims.
pub const MAX_IMAGE_PIXELS: usize = 40_000_000;

/// The kinds of file accepted, known by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [Self::Pdf, Self::Jpeg, Self::Png];

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The file-name extension a download gets.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The kind as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
        }
    }

    /// The kind a file name's extension says (`None`: not one accepted).
    fn of_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Self::Pdf),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    /// The kind the content is, by its first bytes.
    fn sniff(bytes: &[u8]) -> Result<Self, &'static str> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Ok(Self::Png)
        } else if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
            Ok(Self::Pdf)
        } else {
            Err(other_kind(bytes))
        }
    }
}

/// What a refused file is instead, for the message.
fn other_kind(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"GIF8") {
        "GIF"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "ZIP / Office (Word, Excel)"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "Office (Word, Excel)"
    } else if bytes.starts_with(b"BM") {
        "BMP"
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        "TIFF"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "HEIC/MP4"
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "WebP"
    } else {
        "an unknown format"
    }
}

/// What an accepted file is and measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentInfo {
    pub kind: DocumentKind,
    pub bytes: u64,
    /// A PDF's pages (1 for an image).
    pub pages: u32,
    /// An image's size in pixels (`None` for a PDF).
    pub pixels: Option<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is {bytes} bytes, more than the {room} bytes left of the 25 MB an application's documents and photo may take"
    )]
    TooLarge { bytes: u64, room: u64 },
    #[error("the file is {0}; documents are accepted as PDF, JPEG or PNG")]
    Kind(&'static str),
    #[error("the file's name says {named} but its content is {content}; rename it or choose the right file")]
    NameDiffers { named: &'static str, content: &'static str },
    #[error("the PDF is protected by a password or encrypted; save it without protection and upload it again")]
    Encrypted,
    #[error(
        "the PDF contains JavaScript, a form with scripts or an action that starts a program; save it as a plain PDF (for example by printing it to PDF) and upload it again"
    )]
    Scripted,
    #[error("the PDF has files attached inside it; upload each document as a file of its own")]
    Attachments,
    #[error("the PDF is damaged or incomplete and cannot be read; save or scan it again")]
    BrokenPdf,
    #[error("the {0} image is damaged or incomplete and cannot be read; save or scan it again")]
    BrokenImage(&'static str),
    #[error(
        "the image is {width} × {height} pixels; at most {MAX_IMAGE_SIDE} pixels a side and 40 million pixels in all are accepted"
    )]
    ImageDimensions { width: usize, height: usize },
}

impl Localized for DocumentError {
    fn rule(&self) -> &'static str {
        match self {
            Self::Empty => "document.empty",
            Self::TooLarge { .. } => "document.too_large",
            Self::Kind(_) => "document.kind",
            Self::NameDiffers { .. } => "document.name_differs",
            Self::Encrypted => "document.encrypted",
            Self::Scripted => "document.scripted",
            Self::Attachments => "document.attachments",
            Self::BrokenPdf => "document.broken_pdf",
            Self::BrokenImage(_) => "document.broken_image",
            Self::ImageDimensions { .. } => "document.image_dimensions",
        }
    }
    fn message_ja(&self) -> String {
        match self {
            Self::Empty => "ファイルが空です。".into(),
            Self::TooLarge { bytes, room } => format!(
                "ファイルのサイズは{bytes}バイトです。一つの申請の立証資料と顔写真は合計25MBまでで、残りは{room}バイトです。"
            ),
            Self::Kind(kind) => format!("ファイルの形式が{kind}です。立証資料はPDF、JPEG又はPNGで提出してください。"),
            Self::NameDiffers { named, content } => format!(
                "ファイル名は{named}ですが、内容は{content}です。ファイル名を直すか、正しいファイルを選んでください。"
            ),
            Self::Encrypted => {
                "PDFにパスワードが設定されているか暗号化されています。保護を解除して保存し直してから提出してください。".into()
            }
            Self::Scripted => "PDFにJavaScript、スクリプトを含むフォーム又はプログラムを起動する動作が含まれています。PDFとして印刷するなどして通常のPDFに保存し直してから提出してください。".into(),
            Self::Attachments => "PDFの中にファイルが添付されています。資料は一つずつ別のファイルとして提出してください。".into(),
            Self::BrokenPdf => "PDFが破損しているか途中で切れているため、読み取れません。保存又はスキャンし直してください。".into(),
            Self::BrokenImage(kind) => format!(
                "{kind}画像が破損しているか途中で切れているため、読み取れません。保存又はスキャンし直してください。"
            ),
            Self::ImageDimensions { width, height } => format!(
                "画像の大きさは横{width}×縦{height}ピクセルです。一辺{MAX_IMAGE_SIDE}ピクセル以下、合計4,000万ピクセル以下にしてください。"
            ),
        }
    }
}

/// Every rule a document can be refused by (its own, and the application's when it arrives), so a refusal
/// read back from the store names its rule as the one written: an unknown one (an older rule) reads as
/// `document.refused`.
pub const REFUSAL_RULES: &[&str] = &[
    "document.empty",
    "document.too_large",
    "document.kind",
    "document.name_differs",
    "document.encrypted",
    "document.scripted",
    "document.attachments",
    "document.broken_pdf",
    "document.broken_image",
    "document.image_dimensions",
    "application.too_many_documents",
    "status.not_from_status",
    "status.actor_not_permitted",
];

/// The stable rule of a stored refusal ([`REFUSAL_RULES`]).
pub fn refusal_rule(rule: &str) -> &'static str {
    REFUSAL_RULES.iter().find(|r| **r == rule).copied().unwrap_or("document.refused")
}

/// Checks one document of `room` bytes left: its size, its kind by content (and by name, when a name is
/// given, the two agreeing), then the file itself, read whole.
pub fn check_document(bytes: &[u8], file_name: Option<&str>, room: u64) -> Result<DocumentInfo, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > room {
        return Err(DocumentError::TooLarge { bytes: size, room });
    }
    let kind = DocumentKind::sniff(bytes).map_err(DocumentError::Kind)?;
    if let Some(named) = file_name.and_then(DocumentKind::of_name)
        && named != kind
    {
        return Err(DocumentError::NameDiffers { named: named.name(), content: kind.name() });
    }
    let (pages, pixels) = match kind {
        DocumentKind::Pdf => match pdf::check_pdf(bytes) {
            Ok(info) => (info.pages, None),
            Err(PdfProblem::Encrypted) => return Err(DocumentError::Encrypted),
            Err(PdfProblem::Scripted) => return Err(DocumentError::Scripted),
            Err(PdfProblem::Attachments) => return Err(DocumentError::Attachments),
            Err(PdfProblem::Broken(_)) => return Err(DocumentError::BrokenPdf),
        },
        DocumentKind::Jpeg => (1, Some(decode_jpeg(bytes)?)),
        DocumentKind::Png => (1, Some(decode_png(bytes)?)),
    };
    Ok(DocumentInfo { kind, bytes: size, pages, pixels })
}

/// Why a PDF is refused, in the reader's own words (for logs and tests; users read [`DocumentError`]).
pub fn pdf_problem(bytes: &[u8]) -> Option<PdfProblem> {
    pdf::check_pdf(bytes).err()
}

fn within_bounds(width: usize, height: usize) -> Result<(u32, u32), DocumentError> {
    if width == 0 || height == 0 {
        return Err(DocumentError::ImageDimensions { width, height });
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Err(DocumentError::ImageDimensions { width, height });
    }
    Ok((u32::try_from(width).unwrap_or(u32::MAX), u32::try_from(height).unwrap_or(u32::MAX)))
}

/// Decoder limits opened to the format's, so the header always yields the size the file claims; ours are
/// checked next, before any memory is taken for pixels.
fn open_options() -> DecoderOptions {
    DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .set_use_unsafe(false)
}

fn decode_jpeg(bytes: &[u8]) -> Result<(u32, u32), DocumentError> {
    let broken = DocumentError::BrokenImage("JPEG");
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), open_options());
    decoder.decode_headers().map_err(|_| broken.clone())?;
    let info = decoder.info().ok_or(broken.clone())?;
    let size = within_bounds(usize::from(info.width), usize::from(info.height))?;
    decoder.decode().map_err(|_| broken.clone())?;
    if !crate::photo::ends_its_last_scan(bytes) {
        return Err(broken);
    }
    Ok(size)
}

fn decode_png(bytes: &[u8]) -> Result<(u32, u32), DocumentError> {
    let broken = DocumentError::BrokenImage("PNG");
    let options = open_options().set_max_width(1 << 24).set_max_height(1 << 24).png_set_confirm_crc(true);
    let mut decoder = zune_png::PngDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|_| broken.clone())?;
    let (width, height) = decoder.dimensions().ok_or(broken.clone())?;
    let size = within_bounds(width, height)?;
    decoder.decode_raw().map_err(|_| broken)?;
    Ok(size)
}

#[cfg(test)]
mod tests;
