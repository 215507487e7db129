//! `Mailer` that writes each e-mail as an RFC 5322 `.eml` file into an outbox folder, where the local server
//! lists them and any mail client opens them.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zairyu_app::ports::{Clock, Email, Ids, MailError, Mailer};
use zairyu_domain::jst::JST;

#[derive(Clone)]
pub struct OutboxMailer<C: Clock, I: Ids> {
    dir: PathBuf,
    clock: C,
    ids: I,
}

/// One message found in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub file: PathBuf,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

fn io(e: std::io::Error) -> MailError {
    MailError::unavailable(e.to_string())
}

/// RFC 2047 encoded words for a UTF-8 header value, each at most 75 characters, folded.
fn encode_header(value: &str) -> String {
    if value.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return value.to_owned();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(&chunk)));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(&chunk)));
    }
    words.join("\r\n ")
}

/// Decodes RFC 2047 encoded words; white space between two encoded words is dropped, other white space
/// is kept (RFC 2047 §6.2).
fn decode_header(value: &str) -> String {
    let mut out = String::new();
    let mut previous_encoded = false;
    for (i, word) in value.split_whitespace().enumerate() {
        let decoded = word
            .strip_prefix("=?UTF-8?B?")
            .and_then(|r| r.strip_suffix("?="))
            .and_then(|b64| STANDARD.decode(b64).ok())
            .and_then(|b| String::from_utf8(b).ok());
        let encoded = decoded.is_some();
        if i > 0 && !(encoded && previous_encoded) {
            out.push(' ');
        }
        out.push_str(&decoded.unwrap_or_else(|| word.to_owned()));
        previous_encoded = encoded;
    }
    out
}

fn base64_lines(text: &str) -> String {
    let encoded = STANDARD.encode(text.as_bytes());
    encoded.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\r\n")
}

impl<C: Clock, I: Ids> OutboxMailer<C, I> {
    pub fn new(dir: &Path, clock: C, ids: I) -> Result<Self, MailError> {
        std::fs::create_dir_all(dir).map_err(io)?;
        Ok(Self { dir: dir.to_owned(), clock, ids })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn render(&self, email: &Email, message_id: &str) -> String {
        let to: Vec<&str> = email.to.iter().map(|a| a.as_str()).collect();
        let date = self.clock.now().with_timezone(&JST).to_rfc2822();
        let mut m = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{message_id}@{}>\r\nMIME-Version: 1.0\r\n",
            email.from,
            to.join(", "),
            encode_header(&email.subject),
            email.from.domain(),
        );
        let text_part = format!(
            "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            base64_lines(&email.text)
        );
        match &email.html {
            None => m.push_str(&text_part),
            Some(html) => {
                let boundary = format!("=_zairyu_{message_id}");
                m.push_str(&format!("Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"));
                m.push_str(&format!("--{boundary}\r\n{text_part}"));
                m.push_str(&format!(
                    "--{boundary}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                    base64_lines(html)
                ));
                m.push_str(&format!("--{boundary}--\r\n"));
            }
        }
        m
    }

    /// Every message in the outbox, oldest first.
    pub fn messages(&self) -> Result<Vec<OutboxMessage>, MailError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files.into_iter().map(|f| read_message(&f)).collect()
    }
}

/// Reads back the headers and the plain-text body of a message this mailer wrote.
pub fn read_message(file: &Path) -> Result<OutboxMessage, MailError> {
    let raw = std::fs::read_to_string(file).map_err(io)?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let unfolded = head.replace("\r\n ", " ");
    let header = |name: &str| {
        unfolded.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": "))).unwrap_or("").to_owned()
    };
    let text_b64: String = if header("Content-Type").starts_with("multipart/") {
        body.split("\r\n\r\n").nth(1).unwrap_or("").split("\r\n--").next().unwrap_or("").replace("\r\n", "")
    } else {
        body.replace("\r\n", "")
    };
    let text = STANDARD.decode(text_b64.trim()).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
    Ok(OutboxMessage {
        file: file.to_owned(),
        to: header("To").split(", ").filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        subject: decode_header(&header("Subject")),
        text,
    })
}

#[async_trait]
impl<C: Clock + 'static, I: Ids + 'static> Mailer for OutboxMailer<C, I> {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        if email.to.is_empty() {
            return Err(MailError::rejected("an e-mail needs at least one recipient"));
        }
        let id = self.ids.id();
        let eml = self.render(email, &id);
        let file = self.dir.join(format!("{id}.eml"));
        let tmp = self.dir.join(format!("{id}.tmp"));
        tokio::task::spawn_blocking(move || {
            std::fs::write(&tmp, eml)?;
            std::fs::rename(&tmp, &file)
        })
        .await
        .map_err(|e| MailError::unavailable(e.to_string()))?
        .map_err(io)?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_japanese_subjects_fold_into_short_encoded_words() {
        let subject = "仮受付番号のお知らせ：在留期間更新許可申請を受け付けました（オンライン）";
        let h = encode_header(subject);
        assert!(h.lines().all(|l| l.trim().len() <= 75), "{h}");
        assert_eq!(decode_header(&h.replace("\r\n ", " ")), subject);
        assert_eq!(encode_header("Plain ASCII"), "Plain ASCII");
        assert_eq!(decode_header("Plain ASCII subject"), "Plain ASCII subject");
        assert_eq!(decode_header(&format!("Re: {}", encode_header("仮受付番号"))), "Re: 仮受付番号");
    }
}
