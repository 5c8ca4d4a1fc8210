// SPDX-License-Identifier: Apache-2.0
//! The compiled-in public-suffix list's Unicode rules are converted to ASCII as IDNA does:
//! every one is checked against the `url` crate's IDNA (UTS 46) conversion.

use registryctl::schema::public_suffix::{to_ascii, DATA};

#[test]
fn every_unicode_rule_converts_as_idna_does() {
    let mut checked = 0;
    for line in DATA.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")) {
        let rule = line.split_whitespace().next().unwrap_or_default();
        let name = rule.trim_start_matches('!').trim_start_matches("*.");
        if name.is_ascii() {
            continue;
        }
        let idna = url::Url::parse(&format!("https://{name}/")).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(to_ascii(name).as_deref(), idna.host_str(), "{rule}");
        checked += 1;
    }
    assert!(checked > 400, "only {checked} Unicode rules");
}
