//! A PDF read whole, object by object, to say whether an officer can open it safely: not encrypted, no
//! script and no action that starts a program, no attached files, and whole (its header, its index and its
//! end where they must be; every object, stream and compressed object stream readable; a catalog and pages).
//!
//! Our own reader, bounded on purpose: it keeps no object once read (only what it found), decompresses
//! object streams under one budget for the whole file, and refuses nesting deeper than a reader needs, so
//! that no file of 25 MB makes it take more than a bounded amount of memory or time. Names are compared
//! decoded (`/J#53` is `/JS`), and objects packed in compressed object streams are read as well, where a
//! byte search would miss a script.

use std::io::Read;

/// What a PDF refused is, for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfProblem {
    /// Protected by a password or encrypted (a trailer names an `/Encrypt` dictionary).
    Encrypted,
    /// JavaScript, an XFA form (which carries scripts) or an action that starts a program.
    Scripted,
    /// Files attached inside the PDF (they could be anything).
    Attachments,
    /// Damaged, incomplete or not readable as a PDF; the detail says where (for tests and logs, not users).
    Broken(&'static str),
}

/// What an accepted PDF measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfInfo {
    pub pages: u32,
}

/// The most bytes all the compressed object streams of one file may decompress to.
pub const MAX_INFLATED_BYTES: usize = 64 * 1024 * 1024;

/// Arrays and dictionaries nested deeper than this are refused (readers' own limits are near it).
const MAX_DEPTH: u32 = 64;

/// A name longer than this is refused (the PDF standard's limit is 127 bytes).
const MAX_NAME: usize = 127;

/// Reads a PDF whole; `Ok` with its pages when an officer can open it safely.
pub fn check_pdf(bytes: &[u8]) -> Result<PdfInfo, PdfProblem> {
    let start = header_end(bytes)?;
    check_end(bytes)?;
    let mut found = Found::default();
    let mut inflated = 0usize;
    let mut lx = Lexer { b: bytes, pos: start };
    loop {
        lx.skip_space();
        if lx.pos >= bytes.len() {
            break;
        }
        if lx.eat_keyword(b"xref") {
            skip_xref_table(&mut lx)?;
        } else if lx.eat_keyword(b"trailer") {
            let dict = parse_value(&mut lx, 0, &mut found)?;
            if let Value::Dict(d) = dict {
                if d.encrypt {
                    return Err(PdfProblem::Encrypted);
                }
            } else {
                return Err(PdfProblem::Broken("a trailer that is not a dictionary"));
            }
        } else if lx.eat_keyword(b"startxref") {
            match lx.token()? {
                Some(Tok::Int(_)) => {}
                _ => return Err(PdfProblem::Broken("startxref without an offset")),
            }
        } else {
            read_indirect_object(&mut lx, &mut found, &mut inflated)?;
        }
        found.verdict()?;
    }
    // Offsets count from the header: bytes some writers put before it shift the whole file.
    check_startxref(bytes, start - 8)?;
    found.verdict()?;
    if found.catalogs == 0 {
        return Err(PdfProblem::Broken("no document catalog"));
    }
    match found.pages {
        Some(pages) if pages > 0 => Ok(PdfInfo { pages }),
        _ => Err(PdfProblem::Broken("no pages")),
    }
}

/// The header `%PDF-d.d` in the first 1,024 bytes (as readers accept it); where reading starts.
fn header_end(bytes: &[u8]) -> Result<usize, PdfProblem> {
    let head = &bytes[..bytes.len().min(1024)];
    let at = find(head, b"%PDF-").ok_or(PdfProblem::Broken("no PDF header"))?;
    let version = bytes.get(at + 5..at + 8).ok_or(PdfProblem::Broken("no PDF version"))?;
    if !(version[0].is_ascii_digit() && version[1] == b'.' && version[2].is_ascii_digit()) {
        return Err(PdfProblem::Broken("no PDF version"));
    }
    Ok(at + 8)
}

/// `%%EOF` in the last 1,024 bytes: a file cut short has none.
fn check_end(bytes: &[u8]) -> Result<(), PdfProblem> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(PdfProblem::Broken("no end-of-file marker: the file is cut short"));
    }
    Ok(())
}

/// The last `startxref` gives the offset (from the header at `base`) of a cross-reference table or stream.
fn check_startxref(bytes: &[u8], base: usize) -> Result<(), PdfProblem> {
    let at = rfind(bytes, b"startxref").ok_or(PdfProblem::Broken("no startxref"))?;
    let mut lx = Lexer { b: bytes, pos: at + b"startxref".len() };
    let offset = match lx.token()? {
        Some(Tok::Int(n)) => usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_add(base))
            .ok_or(PdfProblem::Broken("startxref out of the file"))?,
        _ => return Err(PdfProblem::Broken("startxref without an offset")),
    };
    if offset >= bytes.len() {
        return Err(PdfProblem::Broken("startxref out of the file"));
    }
    let mut at = Lexer { b: bytes, pos: offset };
    if at.eat_keyword(b"xref") {
        return Ok(());
    }
    match (at.token()?, at.token()?, at.token()?) {
        (Some(Tok::Int(_)), Some(Tok::Int(_)), Some(Tok::Keyword(k))) if k == b"obj" => Ok(()),
        _ => Err(PdfProblem::Broken("startxref does not point at the cross-reference")),
    }
}

/// What the file holds, gathered as its objects are read.
#[derive(Debug, Default)]
struct Found {
    encrypted: bool,
    scripted: bool,
    attachments: bool,
    catalogs: u32,
    /// The page count of the root of the page tree (a `/Pages` node with no parent), the latest one read.
    pages: Option<u32>,
}

impl Found {
    /// The first reason to refuse found so far, in the order a user can act on.
    fn verdict(&self) -> Result<(), PdfProblem> {
        if self.encrypted {
            Err(PdfProblem::Encrypted)
        } else if self.scripted {
            Err(PdfProblem::Scripted)
        } else if self.attachments {
            Err(PdfProblem::Attachments)
        } else {
            Ok(())
        }
    }
}

/// `N G obj <value> [stream … endstream] endobj`.
fn read_indirect_object(lx: &mut Lexer, found: &mut Found, inflated: &mut usize) -> Result<(), PdfProblem> {
    match (lx.token()?, lx.token()?, lx.token()?) {
        (Some(Tok::Int(_)), Some(Tok::Int(_)), Some(Tok::Keyword(k))) if k == b"obj" => {}
        _ => return Err(PdfProblem::Broken("something other than an object between objects")),
    }
    let value = parse_value(lx, 0, found)?;
    let save = lx.pos;
    match lx.token()? {
        Some(Tok::Keyword(k)) if k == b"endobj" => return Ok(()),
        Some(Tok::Keyword(k)) if k == b"stream" => {}
        _ => {
            lx.pos = save;
            return Err(PdfProblem::Broken("an object without endobj"));
        }
    }
    let Value::Dict(dict) = value else {
        return Err(PdfProblem::Broken("a stream without a dictionary"));
    };
    // The stream's data starts after the end of the line of `stream` (CR LF or LF).
    if lx.b.get(lx.pos) == Some(&b'\r') {
        lx.pos += 1;
    }
    if lx.b.get(lx.pos) == Some(&b'\n') {
        lx.pos += 1;
    }
    let data_start = lx.pos;
    let data_end = stream_end(lx.b, data_start, dict.length)?;
    if dict.encrypt && dict.type_is(b"XRef") {
        return Err(PdfProblem::Encrypted);
    }
    if dict.type_is(b"EmbeddedFile") {
        found.attachments = true;
    }
    if dict.type_is(b"ObjStm") {
        read_object_stream(&lx.b[data_start..data_end], &dict, found, inflated)?;
    }
    lx.pos = data_end;
    lx.skip_space();
    if !lx.eat_keyword(b"endstream") {
        return Err(PdfProblem::Broken("a stream without endstream"));
    }
    match lx.token()? {
        Some(Tok::Keyword(k)) if k == b"endobj" => Ok(()),
        _ => Err(PdfProblem::Broken("an object without endobj")),
    }
}

/// Where a stream's data ends: at its `/Length` when `endstream` follows there, else just before the first
/// `endstream` (a length given by reference, or wrong).
fn stream_end(b: &[u8], start: usize, length: Option<i64>) -> Result<usize, PdfProblem> {
    if let Some(end) = length.and_then(|n| usize::try_from(n).ok()).and_then(|n| start.checked_add(n))
        && end <= b.len()
    {
        let mut after = Lexer { b, pos: end };
        after.skip_space();
        if b[after.pos..].starts_with(b"endstream") {
            return Ok(end);
        }
    }
    // The end of line before `endstream` stays with the data: nothing read from a stream minds it (an
    // object stream's text ends in white space anyway, and compressed data ends where it ends).
    let at = find(&b[start..], b"endstream").ok_or(PdfProblem::Broken("a stream without endstream"))?;
    Ok(start + at)
}

/// A compressed object stream: decompressed within the file's budget, then each object in it read.
fn read_object_stream(data: &[u8], dict: &Dict, found: &mut Found, inflated: &mut usize) -> Result<(), PdfProblem> {
    let plain: Vec<u8> = match dict.filter.as_deref() {
        None => data.to_vec(),
        Some(b"FlateDecode") if !dict.more_filters && !dict.predictor => {
            let budget = MAX_INFLATED_BYTES.saturating_sub(*inflated);
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(data)
                .take(u64::try_from(budget).unwrap_or(u64::MAX).saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|_| PdfProblem::Broken("a compressed object stream that does not decompress"))?;
            if out.len() > budget {
                return Err(PdfProblem::Broken("compressed object streams too large when decompressed"));
            }
            out
        }
        Some(_) => return Err(PdfProblem::Broken("an object stream in an encoding this reader does not read")),
    };
    *inflated += plain.len();
    let count = dict.n.ok_or(PdfProblem::Broken("an object stream without its count"))?;
    let first = dict
        .first
        .and_then(|f| usize::try_from(f).ok())
        .filter(|f| *f <= plain.len())
        .ok_or(PdfProblem::Broken("an object stream without its start"))?;
    let mut lx = Lexer { b: &plain[..], pos: 0 };
    // The header: a pair of numbers (object number, offset) per object.
    for _ in 0..count.saturating_mul(2) {
        match lx.token()? {
            Some(Tok::Int(_)) => {}
            _ => return Err(PdfProblem::Broken("an object stream whose header is damaged")),
        }
    }
    lx.pos = lx.pos.max(first);
    for _ in 0..count {
        parse_value(&mut lx, 0, found)?;
    }
    Ok(())
}

/// The cross-reference table after `xref`: subsections of entries `offset generation f|n`, up to `trailer`.
fn skip_xref_table(lx: &mut Lexer) -> Result<(), PdfProblem> {
    loop {
        let save = lx.pos;
        match lx.token()? {
            Some(Tok::Int(_)) => {}
            Some(Tok::Keyword(k)) if k == b"f" || k == b"n" => {}
            Some(Tok::Keyword(k)) if k == b"trailer" => {
                lx.pos = save;
                return Ok(());
            }
            _ => return Err(PdfProblem::Broken("a damaged cross-reference table")),
        }
    }
}

/// What a dictionary says that matters here; the rest is read and dropped.
#[derive(Debug, Default)]
struct Dict {
    type_: Option<Vec<u8>>,
    length: Option<i64>,
    filter: Option<Vec<u8>>,
    more_filters: bool,
    predictor: bool,
    n: Option<u32>,
    first: Option<i64>,
    count: Option<i64>,
    parent: bool,
    encrypt: bool,
}

impl Dict {
    fn type_is(&self, t: &[u8]) -> bool {
        self.type_.as_deref() == Some(t)
    }
}

/// A value as far as it matters: numbers and names kept, dictionaries summarised, the rest dropped.
#[derive(Debug)]
enum Value {
    Int(i64),
    Name(Vec<u8>),
    Dict(Box<Dict>),
    Array(Option<Vec<u8>>, usize),
    Other,
}

fn parse_value(lx: &mut Lexer, depth: u32, found: &mut Found) -> Result<Value, PdfProblem> {
    if depth > MAX_DEPTH {
        return Err(PdfProblem::Broken("nested too deeply"));
    }
    let tok = lx.token()?.ok_or(PdfProblem::Broken("the file ends inside an object"))?;
    Ok(match tok {
        Tok::Int(n) => {
            // `N G R` is a reference.
            let save = lx.pos;
            if let (Ok(Some(Tok::Int(_))), Ok(Some(Tok::Keyword(k)))) = (lx.token(), lx.token())
                && k == b"R"
            {
                return Ok(Value::Other);
            }
            lx.pos = save;
            Value::Int(n)
        }
        Tok::Real | Tok::Str => Value::Other,
        Tok::Name(n) => Value::Name(n),
        Tok::Keyword(k) if k == b"true" || k == b"false" || k == b"null" => Value::Other,
        Tok::Keyword(_) => return Err(PdfProblem::Broken("an unexpected word inside an object")),
        Tok::ArrayOpen => {
            let (mut first_name, mut len) = (None, 0usize);
            loop {
                let save = lx.pos;
                if let Some(Tok::ArrayClose) = lx.token()? {
                    break;
                }
                lx.pos = save;
                let v = parse_value(lx, depth + 1, found)?;
                if len == 0
                    && let Value::Name(n) = v
                {
                    first_name = Some(n);
                }
                len += 1;
            }
            Value::Array(first_name, len)
        }
        Tok::ArrayClose => return Err(PdfProblem::Broken("an array closed that was not open")),
        Tok::DictOpen => Value::Dict(Box::new(parse_dict(lx, depth, found)?)),
        Tok::DictClose => return Err(PdfProblem::Broken("a dictionary closed that was not open")),
    })
}

fn parse_dict(lx: &mut Lexer, depth: u32, found: &mut Found) -> Result<Dict, PdfProblem> {
    let mut d = Dict::default();
    let mut type_pages = false;
    loop {
        let key = match lx.token()? {
            Some(Tok::DictClose) => break,
            Some(Tok::Name(k)) => k,
            _ => return Err(PdfProblem::Broken("a dictionary key that is not a name")),
        };
        let value = parse_value(lx, depth + 1, found)?;
        let name = |v: &Value| match v {
            Value::Name(n) => Some(n.clone()),
            _ => None,
        };
        match key.as_slice() {
            b"JS" | b"JavaScript" | b"XFA" => found.scripted = true,
            b"EmbeddedFiles" | b"EF" => found.attachments = true,
            b"Encrypt" => d.encrypt = true,
            b"S" if matches!(name(&value).as_deref(), Some(b"JavaScript" | b"Launch")) => found.scripted = true,
            b"Type" => {
                d.type_ = name(&value);
                match d.type_.as_deref() {
                    Some(b"Catalog") => found.catalogs += 1,
                    Some(b"Pages") => type_pages = true,
                    _ => {}
                }
            }
            b"Length" => d.length = int(&value),
            b"Filter" => match value {
                Value::Name(n) => d.filter = Some(n),
                Value::Array(first, len) => {
                    d.filter = first;
                    d.more_filters = len > 1;
                }
                _ => {}
            },
            b"DecodeParms" => d.predictor = !matches!(value, Value::Other),
            b"N" => d.n = int(&value).and_then(|n| u32::try_from(n).ok()),
            b"First" => d.first = int(&value),
            b"Count" => d.count = int(&value),
            b"Parent" => d.parent = true,
            _ => {}
        }
    }
    if type_pages && !d.parent {
        found.pages = d.count.and_then(|c| u32::try_from(c).ok());
    }
    Ok(d)
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Int(i64),
    Real,
    Str,
    Name(Vec<u8>),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    Keyword(&'a [u8]),
}

struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(c: u8) -> bool {
    !is_space(c) && !is_delimiter(c)
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Skips white space and comments.
    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if is_space(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Takes `word` when it is the next token (and a whole word).
    fn eat_keyword(&mut self, word: &[u8]) -> bool {
        let save = self.pos;
        self.skip_space();
        if self.b[self.pos.min(self.b.len())..].starts_with(word)
            && self.b.get(self.pos + word.len()).is_none_or(|c| !is_regular(*c))
        {
            self.pos += word.len();
            true
        } else {
            self.pos = save;
            false
        }
    }

    fn token(&mut self) -> Result<Option<Tok<'a>>, PdfProblem> {
        self.skip_space();
        let Some(c) = self.peek() else { return Ok(None) };
        Ok(Some(match c {
            b'[' => {
                self.pos += 1;
                Tok::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Tok::ArrayClose
            }
            b'<' if self.b.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Tok::DictOpen
            }
            b'>' if self.b.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Tok::DictClose
            }
            b'<' => {
                let end = self.b[self.pos..]
                    .iter()
                    .position(|c| *c == b'>')
                    .ok_or(PdfProblem::Broken("a hexadecimal string without its end"))?;
                if !self.b[self.pos + 1..self.pos + end].iter().all(|c| c.is_ascii_hexdigit() || is_space(*c)) {
                    return Err(PdfProblem::Broken("a hexadecimal string with other characters"));
                }
                self.pos += end + 1;
                Tok::Str
            }
            b'(' => {
                self.skip_literal_string()?;
                Tok::Str
            }
            b'/' => {
                self.pos += 1;
                Tok::Name(self.name()?)
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number()?,
            b')' | b'>' | b'{' | b'}' => return Err(PdfProblem::Broken("a delimiter out of place")),
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(is_regular) {
                    self.pos += 1;
                }
                Tok::Keyword(&self.b[start..self.pos])
            }
        }))
    }

    /// A literal string `( … )`: balanced parentheses, `\` escaping one character.
    fn skip_literal_string(&mut self) -> Result<(), PdfProblem> {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(PdfProblem::Broken("a string without its end"))
    }

    /// A name after `/`, its `#xx` escapes decoded.
    fn name(&mut self) -> Result<Vec<u8>, PdfProblem> {
        let mut out = Vec::new();
        while let Some(c) = self.peek().filter(|c| is_regular(*c)) {
            if c == b'#' {
                let hex = self.b.get(self.pos + 1..self.pos + 3).ok_or(PdfProblem::Broken("a damaged name"))?;
                let byte = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(PdfProblem::Broken("a damaged name"))?;
                out.push(byte);
                self.pos += 3;
            } else {
                out.push(c);
                self.pos += 1;
            }
            if out.len() > MAX_NAME {
                return Err(PdfProblem::Broken("a name too long"));
            }
        }
        Ok(out)
    }

    fn number(&mut self) -> Result<Tok<'a>, PdfProblem> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let mut real = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                self.pos += 1;
            } else if c == b'.' && !real {
                real = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.pos]).map_err(|_| PdfProblem::Broken("a damaged number"))?;
        if !text.bytes().any(|c| c.is_ascii_digit()) {
            return Err(PdfProblem::Broken("a damaged number"));
        }
        if real {
            return Ok(Tok::Real);
        }
        Ok(text.parse::<i64>().map_or(Tok::Real, Tok::Int))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
