//! What the source itself must show, checked over the source: the modules of each crate form no cycle (a
//! module may use its parent's items and its parent its children's; siblings only one way), no module takes
//! everything of its parent with `use super::*` outside tests, no file of the HTTP layer is over 500 lines,
//! and no text a user reads carries a number of the agency's Q&A.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).canonicalize().unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every crate's source directory: `shared/*/src` and `functions/*/src`.
fn crates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for group in ["shared", "functions"] {
        for entry in std::fs::read_dir(root().join(group)).unwrap() {
            let src = entry.unwrap().path().join("src");
            if src.is_dir() {
                dirs.push(src);
            }
        }
    }
    dirs.sort();
    dirs
}

/// A file's code before its tests, as code (comments and literals blanked) and its string literals.
struct Lexed {
    code: String,
    strings: Vec<(usize, String)>,
}

fn lex(text: &str) -> Lexed {
    let text = match text.find("\n#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let chars: Vec<char> = text.chars().collect();
    let (mut code, mut strings, mut line, mut i) = (String::new(), Vec::new(), 1, 0);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                code.push(c);
                i += 1;
                continue;
            }
            let start = line;
            let mut s = String::new();
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    break;
                }
                line += usize::from(chars[j] == '\n');
                s.push(chars[j]);
                j += 1;
            }
            strings.push((start, s));
            code.push_str("\"\"");
            i = j + 1 + hashes;
        } else if c == '"' {
            let start = line;
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    s.push(chars[i]);
                    i += 1;
                }
                line += usize::from(chars[i] == '\n');
                s.push(chars[i]);
                i += 1;
            }
            strings.push((start, s));
            code.push_str("\"\"");
            i += 1;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal ('"', '\n', '\''), not a lifetime.
            let mut j = i + 1;
            if chars[j] == '\\' {
                j += 1;
            }
            j += 1;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            code.push_str("' '");
            i = j + 1;
        } else {
            line += usize::from(c == '\n');
            code.push(c);
            i += 1;
        }
    }
    Lexed { code, strings }
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// A file's module path within its crate (`lib.rs`/`main.rs` the root, `a/mod.rs` `a`, `a/b.rs` `a::b`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("lib" | "main" | "mod")) {
        parts.pop();
    }
    parts
}

/// The paths a file names through `crate::` and `super::` (groups `{a, b::c}` expanded one level), each as
/// (how many `super`s, or `None` for `crate`) and its segments.
fn references(code: &str) -> Vec<(Option<usize>, Vec<String>)> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let text: String = bytes.iter().collect();
    let mut from = 0;
    while let Some(pos) = next_reference(&text, from) {
        let (base_len, supers) = if text[pos..].starts_with("crate::") {
            ("crate::".len(), None)
        } else {
            let mut n = 0;
            let mut k = pos;
            while text[k..].starts_with("super::") {
                n += 1;
                k += "super::".len();
            }
            (k - pos, Some(n))
        };
        let rest = &text[pos + base_len..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut end = 0;
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let mut depth = 0;
            let mut item = String::new();
            for ch in group[..end].chars().chain(std::iter::once(',')) {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        let path: String =
                            item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                        if !path.is_empty() {
                            out.push((supers, path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect()));
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(ch);
            }
        } else {
            let path: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            out.push((supers, path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect()));
        }
        from = pos + base_len;
    }
    out
}

fn next_reference(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    let c = rest.find("crate::");
    let s = rest.find("super::");
    let pos = match (c, s) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let at = from + pos;
    // A whole word: not `zairyu_crate::`, not `$crate::`.
    let before = text[..at].chars().next_back();
    if before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_' || ch == '$') {
        return next_reference(text, at + 1);
    }
    Some(at)
}

/// The cycles among sibling modules of one crate: each reference from a module to another is counted
/// between the two children of their lowest common ancestor (a module and its own ancestors do not count).
fn sibling_cycles(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, PathBuf> = files.iter().map(|f| (module_of(src, f), f.clone())).collect();
    let mut edges: BTreeSet<(Vec<String>, Vec<String>)> = BTreeSet::new();
    for (m, file) in &modules {
        let lexed = lex(&std::fs::read_to_string(file).unwrap());
        for (supers, segs) in references(&lexed.code) {
            let mut full: Vec<String> = match supers {
                None => Vec::new(),
                Some(n) => m[..m.len().saturating_sub(n)].to_vec(),
            };
            full.extend(segs);
            let Some(target) = (0..=full.len()).rev().map(|k| full[..k].to_vec()).find(|p| modules.contains_key(p))
            else {
                continue;
            };
            let common = m.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == m.len() || common == target.len() {
                continue;
            }
            edges.insert((m[..=common].to_vec(), target[..=common].to_vec()));
        }
    }
    // Any module that reaches itself through its siblings.
    let mut cycles = Vec::new();
    let nodes: BTreeSet<&Vec<String>> = edges.iter().map(|(a, _)| a).collect();
    for start in nodes {
        let mut stack = vec![(start.clone(), vec![start.join("::")])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for (_, to) in edges.iter().filter(|(from, _)| *from == node) {
                if to == start {
                    let mut cycle = path.clone();
                    cycle.push(to.join("::"));
                    cycles.push(cycle);
                } else if seen.insert(to.clone()) {
                    let mut p = path.clone();
                    p.push(to.join("::"));
                    stack.push((to.clone(), p));
                }
            }
        }
    }
    cycles
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let mut found = Vec::new();
    for src in crates() {
        for cycle in sibling_cycles(&src) {
            found.push(format!("{}: {}", src.strip_prefix(root()).unwrap().display(), cycle.join(" -> ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The check itself finds a cycle where there is one, and only there.
#[test]
fn the_cycle_check_sees_a_cycle() {
    let dir = std::env::temp_dir().join(format!("zairyu-sources-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("a")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\n").unwrap();
    std::fs::write(src.join("a/mod.rs"), "mod c;\nuse crate::b::B;\nuse c::C;\n").unwrap();
    // A child naming its parent is no cycle; nor is a string or a comment naming crate::a.
    std::fs::write(src.join("a/c.rs"), "use super::A; // crate::b\nconst S: &str = \"crate::b\";\n").unwrap();
    std::fs::write(src.join("b.rs"), "pub struct B;\n").unwrap();
    assert!(sibling_cycles(&src).is_empty());
    std::fs::write(src.join("b.rs"), "use crate::{a::c::C, x};\npub struct B;\n").unwrap();
    assert_eq!(sibling_cycles(&src).len(), 2, "a -> b -> a, b -> a -> b");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn no_module_takes_all_of_its_parent_outside_tests() {
    let mut found = Vec::new();
    for src in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            if lex(&std::fs::read_to_string(&file).unwrap()).code.contains("use super::*") {
                found.push(file.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    assert!(found.is_empty(), "`use super::*` outside tests in {found:?}");
}

#[test]
fn no_file_of_the_http_layer_is_over_500_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("shared/http/src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > 500)
        .map(|(f, n)| format!("{} ({n})", f.strip_prefix(root()).unwrap().display()))
        .collect();
    assert!(files.len() > 30, "{}", files.len());
    assert!(long.is_empty(), "{long:?}");
}

/// Whether a text cites the Q&A by number (Q12, Q53–Q57) within words: what a page, an e-mail or a
/// problem would show. A text that is nothing but such numbers is a citation table, kept for us.
fn cites_a_q_number(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let cites = (0..chars.len()).any(|i| {
        chars[i] == 'Q'
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
    });
    let only_numbers = s
        .split([',', ' ', '–', '-'])
        .all(|w| w.is_empty() || (w.starts_with('Q') && w[1..].chars().all(|c| c.is_ascii_digit())));
    cites && !only_numbers
}

#[test]
fn no_text_a_user_reads_cites_a_q_number() {
    assert!(cites_a_q_number("送付してください（Q55）。"));
    assert!(cites_a_q_number("(Q53–Q57)"));
    assert!(!cites_a_q_number("Q12, Q86"));
    assert!(!cites_a_q_number("EQ1"));
    let mut found = Vec::new();
    for src in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            for (line, s) in lex(&std::fs::read_to_string(&file).unwrap()).strings {
                if cites_a_q_number(&s) {
                    found.push(format!("{}:{line}: {s}", file.strip_prefix(root()).unwrap().display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "Q numbers in text users read:\n{}", found.join("\n"));
}
