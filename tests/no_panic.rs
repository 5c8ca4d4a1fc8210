// SPDX-License-Identifier: Apache-2.0
//! No time, duration, number or key input panics: every parser and formatter of them, over any
//! value, either answers or refuses with an error. Past 9999-12-31T23:59:59Z (the last time
//! RFC 3339 writes) a time is refused, never formatted; the binary turns that into exit 2.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use registryctl::index;
use registryctl::sign::{PublicKey, SecretKey};
use registryctl::trust::{self, Expiry, Policy, MAX_UNIX_SECONDS};

use common::bin;

/// Text shaped like the inputs: numbers with units, RFC 3339 times with any field values, and
/// anything at all.
fn time_like() -> impl Strategy<Value = String> {
    let units = prop::sample::select(vec!["", "s", "m", "h", "d", "w", "y", "years", "ms", "ns", "M"]);
    prop_oneof![
        (any::<u64>(), units).prop_map(|(n, u)| format!("{n}{u}")),
        (0u64..100_000, 0u32..100, 0u32..100, 0u32..100, 0u32..100, 0u32..100)
            .prop_map(|(y, mo, d, h, mi, s)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")),
        "[0-9a-zA-Z:.+ -]{0,40}",
        any::<String>(),
    ]
}

/// A signed index whose `generated` and `expires` are the given texts, as a reader gets it.
fn signed(generated: &str, expires: Option<&str>, serial: Option<u64>) -> (Vec<u8>, String, PublicKey) {
    let mut idx = index::build([], generated.to_string()).unwrap();
    idx.expires = expires.map(str::to_string);
    idx.serial = serial;
    let bytes = index::to_go_json(&idx);
    let key = SecretKey::from_seed(&[7; 32]);
    (bytes.clone(), key.sign(&bytes), key.public())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn times_format_or_refuse(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
        let t = UNIX_EPOCH.checked_add(Duration::new(secs, nanos));
        if let Some(t) = t {
            let text = trust::rfc3339(t);
            prop_assert_eq!(text.is_some(), secs <= MAX_UNIX_SECONDS);
            if let Some(text) = text {
                prop_assert_eq!(trust::whole_seconds(&text), Some(UNIX_EPOCH + Duration::from_secs(secs)));
            }
        }
        if let Some(before) = UNIX_EPOCH.checked_sub(Duration::new(secs, nanos)) {
            prop_assert_eq!(trust::rfc3339(before).is_some(), secs == 0 && nanos == 0);
        }
        prop_assert_eq!(trust::from_unix_seconds(secs).is_some(), secs <= MAX_UNIX_SECONDS);
        prop_assert_eq!(index::timestamp(Some(secs)).is_ok(), secs <= MAX_UNIX_SECONDS);
    }

    #[test]
    fn source_date_epoch_parses_or_refuses(text in time_like()) {
        if let Ok(secs) = trust::parse_source_date_epoch(&text) {
            prop_assert!(secs <= MAX_UNIX_SECONDS);
            prop_assert!(index::timestamp(Some(secs)).is_ok());
        }
    }

    #[test]
    fn expiry_parses_and_stamps_or_refuses(text in time_like(), generated in 0..=MAX_UNIX_SECONDS, serial in any::<u64>()) {
        let Ok(expiry) = text.parse::<Expiry>() else { return Ok(()) };
        let mut idx = index::build([], index::timestamp(Some(generated)).unwrap()).unwrap();
        if trust::stamp(&mut idx, Some(serial), Some(expiry)).is_ok() {
            let expires = idx.expires.as_deref().unwrap();
            prop_assert!(trust::whole_seconds(expires).is_some());
            prop_assert!(index::validate_bytes(&index::to_go_json(&idx)).is_ok());
        }
    }

    #[test]
    fn verifying_any_times_and_ages_answers(
        generated in time_like(),
        expires in prop::option::of(time_like()),
        serial in prop::option::of(any::<u64>()),
        now in any::<u64>(),
        max_age in prop::option::of(any::<u64>()),
    ) {
        let (bytes, sig, key) = signed(&generated, expires.as_deref(), serial);
        let now = UNIX_EPOCH.checked_add(Duration::from_secs(now)).unwrap_or(SystemTime::now());
        let policy = Policy { max_age: max_age.map(Duration::from_secs), ..Policy::at(now) };
        let _ = trust::verify_index(&bytes, sig.as_bytes(), &[key], &policy);
        let _ = trust::verify_previous(&bytes, sig.as_bytes(), &[key]);
    }

    #[test]
    fn keys_and_signatures_parse_or_refuse(text in any::<String>(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = PublicKey::from_hex(&text);
        let _ = SecretKey::from_hex(&text);
        let _ = trust::parse_key_list(&text);
        let key = SecretKey::from_seed(&[1; 32]).public();
        let _ = key.verify_file(b"data", &bytes);
        let _ = key.verify_file(b"data", text.as_bytes());
    }
}

#[test]
fn the_last_second_is_written_and_the_next_refused() {
    assert_eq!(index::timestamp(Some(MAX_UNIX_SECONDS)).unwrap(), "9999-12-31T23:59:59Z");
    assert!(index::timestamp(Some(MAX_UNIX_SECONDS + 1)).is_err());
    let mut idx = index::build([], "9999-12-31T23:59:59Z".into()).unwrap();
    let err = trust::stamp(&mut idx, Some(1), Some("1d".parse().unwrap())).unwrap_err();
    assert!(err.to_string().contains("9999-12-31T23:59:59Z"), "{err}");
    assert!("8000y".parse::<Expiry>().is_ok() && "3000000000000d".parse::<Expiry>().is_err());
}

/// The reviewer's cases, through the binary: each a usage error (exit 2) with a message, never
/// a panic (101) or a hang.
#[test]
fn out_of_range_times_and_counts_are_usage_errors() {
    let reg = common::registry();
    let run = |env: &[(&str, &str)], args: &[&str], want: &str| {
        let mut c = bin();
        c.current_dir(reg.path()).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.timeout(Duration::from_secs(60)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?} {env:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    let build = ["build-index", "manifests", "--out", "-"];
    run(&[("SOURCE_DATE_EPOCH", "253402300800")], &build, "9999-12-31T23:59:59Z");
    run(&[("SOURCE_DATE_EPOCH", "18446744073709551615")], &build, "9999-12-31T23:59:59Z");
    run(&[("SOURCE_DATE_EPOCH", "-1")], &build, "not a number of seconds");
    run(&[("SOURCE_DATE_EPOCH", "253402300799")], &["build-index", "manifests", "--out", "-", "--expires", "1d"], "9999-12-31T23:59:59Z");
    for expires in ["2932896d", "8000y", "3000000d", "99999999999999999999s"] {
        run(&[], &["build-index", "manifests", "--out", "-", "--serial", "1", "--expires", expires], "expires");
    }
    run(&[], &["build-index", "manifests", "--out", "-", "--serial", "9007199254740992"], "--serial");
    run(&[], &["--threads", "100000", "check"], "--threads");
    run(&[], &["--threads", "0", "check"], "--threads");
    run(&[("RAYON_NUM_THREADS", "100000")], &["check"], "RAYON_NUM_THREADS");
    let fixtures = common::fixtures().join("conformance");
    let verify = |max_age: &str| {
        let args = ["verify", "--in", "index.json", "--sig", "index.json.sig", "--pub-file", "test-key.pub", "--max-age", max_age];
        bin().current_dir(&fixtures).args(args).output().unwrap()
    };
    assert_eq!(verify("500000000000y").status.code(), Some(0));
    assert_eq!(verify("99999999999999999999y").status.code(), Some(2));
}
