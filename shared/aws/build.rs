//! Writes the Mozilla root certificates of `webpki-root-certs` as one PEM text into `OUT_DIR/roots.pem`, the form
//! the SDK's trust store takes, so that no process spends its start encoding them (`zairyu_aws::http_client`).

use std::fmt::Write as _;

use base64::Engine;

fn main() {
    let mut pem = String::new();
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let text = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        for line in text.as_bytes().chunks(64) {
            let _ = writeln!(pem, "{}", String::from_utf8_lossy(line));
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from).unwrap_or_default();
    if let Err(e) = std::fs::write(out.join("roots.pem"), pem) {
        panic!("writing roots.pem: {e}");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
