// SPDX-License-Identifier: Apache-2.0
//! The verification policy: what a reader of a signed index checks before it uses anything in
//! it. The signature under any of several trusted keys; freshness (`expires`, a maximum age),
//! against freeze attacks; and, against the index the reader trusted before, rollback (the
//! serial must grow), mix-and-match (a published version's runtime hash never changes) and
//! silent removals. These are the attacks TUF names, brought to one signed file.
//!
//! [`verify_index`] is the entry point `registryctl verify` calls, and a gateway or mirror can
//! call it as is. [`stamp`] is the other side: `build-index` writes `serial` and `expires`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::index::{self, Index, IndexError, IndexSize, GATEWAY_INDEX_LIMIT, MAX_SERIAL};
use crate::sign::{KeyError, KeyId, PublicKey};

/// A line of a key list that is not a public key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {source}")]
pub struct KeyListError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong with it.
    #[source]
    pub source: KeyError,
}

/// Parses a key list: one 64-hex public key per line; `#` starts a comment, blank lines are
/// skipped, a key listed twice counts once.
pub fn parse_key_list(text: &str) -> Result<Vec<PublicKey>, KeyListError> {
    let mut keys: Vec<PublicKey> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let key = line.split('#').next().unwrap_or_default().trim();
        if key.is_empty() {
            continue;
        }
        let key = PublicKey::from_hex(key).map_err(|source| KeyListError { line: i + 1, source })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// When an index expires, as `build-index --expires` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// At this time (RFC 3339, UTC, whole seconds).
    At(SystemTime),
    /// This long after `generated` (a duration such as `14d` or `36h`).
    After(Duration),
}

impl FromStr for Expiry {
    type Err = String;

    fn from_str(text: &str) -> Result<Expiry, String> {
        if let Ok(t) = humantime::parse_rfc3339(text) {
            return match whole_seconds(text) {
                Some(t) => Ok(Expiry::At(t)),
                None => Err(format!("`{text}`: give the time in whole seconds, like {}", rfc3339(t).unwrap_or_default())),
            };
        }
        match humantime::parse_duration(text) {
            // Past 9999 from any start: refused here rather than when it is added to `generated`.
            Ok(d) if d.as_secs() > MAX_UNIX_SECONDS => Err(past_the_last_time(&format!("`{text}` after any time since 1970"))),
            Ok(d) if !d.is_zero() => Ok(Expiry::After(d)),
            _ => Err(format!("`{text}` is neither an RFC 3339 UTC time (2026-01-16T03:04:05Z) nor a duration (14d, 36h)")),
        }
    }
}

/// The last second RFC 3339 can write, 9999-12-31T23:59:59Z, in seconds since 1970: every
/// time the index holds, `SOURCE_DATE_EPOCH` and `--expires` give lies between 1970 and it.
pub const MAX_UNIX_SECONDS: u64 = 253_402_300_799;

/// `t` as RFC 3339 UTC in whole seconds (`2026-01-16T03:04:05Z`); `None` before 1970 or after
/// [`MAX_UNIX_SECONDS`], where the text form has no year to write (the formatter panics there,
/// so every time is written through this).
pub fn rfc3339(t: SystemTime) -> Option<String> {
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    (secs <= MAX_UNIX_SECONDS).then(|| humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string())
}

/// The time `secs` seconds after 1970, when RFC 3339 can write it (see [`rfc3339`]).
pub fn from_unix_seconds(secs: u64) -> Option<SystemTime> {
    (secs <= MAX_UNIX_SECONDS).then(|| UNIX_EPOCH + Duration::from_secs(secs))
}

/// Why a time cannot be written: it is past 9999-12-31T23:59:59Z.
pub fn past_the_last_time(what: &str) -> String {
    format!("{what} is after 9999-12-31T23:59:59Z, the last time an RFC 3339 timestamp can hold")
}

/// Reads `SOURCE_DATE_EPOCH`: whole seconds since 1970, up to [`MAX_UNIX_SECONDS`].
pub fn parse_source_date_epoch(text: &str) -> Result<u64, String> {
    let secs: u64 = text.trim().parse().map_err(|_| format!("SOURCE_DATE_EPOCH `{text}` is not a number of seconds since 1970"))?;
    if secs > MAX_UNIX_SECONDS {
        return Err(past_the_last_time(&format!("SOURCE_DATE_EPOCH {secs}")));
    }
    Ok(secs)
}

/// Parses an RFC 3339 UTC time in whole seconds, the only form the index holds.
pub fn whole_seconds(text: &str) -> Option<SystemTime> {
    let t = humantime::parse_rfc3339(text).ok()?;
    (rfc3339(t)? == text).then_some(t)
}

fn time_of(field: &'static str, value: &str) -> Result<SystemTime, IndexError> {
    whole_seconds(value).ok_or_else(|| IndexError::BadTime { field, value: value.to_string() })
}

/// Writes `serial` and `expires` into a built index; a duration counts from its `generated`.
pub fn stamp(index: &mut Index, serial: Option<u64>, expires: Option<Expiry>) -> Result<(), IndexError> {
    index.serial = serial;
    index.expires = match expires {
        None => None,
        Some(e) => {
            let at = match e {
                Expiry::At(t) => Some(t),
                Expiry::After(d) => time_of("generated", &index.generated)?.checked_add(d),
            };
            let value = || match e {
                Expiry::At(_) => format!("{e:?}"),
                Expiry::After(d) => format!("{} + {}", index.generated, humantime::format_duration(d)),
            };
            let at = at.and_then(rfc3339).ok_or_else(|| IndexError::TimeOutOfRange { field: "expires", value: value() })?;
            Some(at)
        }
    };
    check_stamp(index)
}

/// Checks `serial` and `expires` when present: a serial from 1 to [`MAX_SERIAL`], an expiry
/// in whole UTC seconds after `generated`.
pub fn check_stamp(index: &Index) -> Result<(), IndexError> {
    if let Some(s) = index.serial.filter(|s| !(1..=MAX_SERIAL).contains(s)) {
        return Err(IndexError::BadSerial(s));
    }
    if let Some(expires) = &index.expires {
        let until = time_of("expires", expires)?;
        if until <= time_of("generated", &index.generated)? {
            return Err(IndexError::ExpiresTooEarly { expires: expires.clone(), generated: index.generated.clone() });
        }
    }
    Ok(())
}

/// What a reader requires of an index beyond its signature.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// The reader's clock.
    pub now: SystemTime,
    /// Accept an index whose `expires` has passed.
    pub allow_expired: bool,
    /// Refuse an index without `expires` (one that would never expire).
    pub require_expires: bool,
    /// Refuse an index generated longer ago than this.
    pub max_age: Option<Duration>,
    /// The index the reader trusted before (verified already, see [`verify_previous`]).
    pub previous: Option<&'a Index>,
    /// Accept versions in `previous` that the new index no longer has.
    pub allow_removals: bool,
}

impl Policy<'static> {
    /// The default policy at `now`: expiry enforced, no maximum age, no previous index.
    pub fn at(now: SystemTime) -> Policy<'static> {
        Policy { now, allow_expired: false, require_expires: false, max_age: None, previous: None, allow_removals: false }
    }
}

/// A server version, `name@version`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The server.
    pub name: String,
    /// The version.
    pub version: String,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

/// What changed between the previous index and this one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The previous index's serial (an index without one counts as 0).
    pub old_serial: Option<u64>,
    /// This index's serial.
    pub new_serial: Option<u64>,
    /// Versions only in this index.
    pub added: Vec<Entry>,
    /// Versions only in the previous index.
    pub removed: Vec<Entry>,
    /// Versions whose runtime hash changed: what the server may do is not what was published.
    pub contract_changed: Vec<Entry>,
    /// Versions whose bytes changed with the same runtime hash (image digest or presentation).
    pub updated: Vec<Entry>,
}

/// One reason an index is refused against the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The serial did not grow: an older index replayed, or the same one.
    SerialNotGreater {
        /// The previous serial (0 when it had none).
        old: u64,
        /// This serial (0 when it has none).
        new: u64,
    },
    /// A version the previous index had is gone.
    Removed(Entry),
    /// A published version's runtime hash changed.
    ContractChanged(Entry),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::SerialNotGreater { old, new } => {
                write!(f, "serial {new} is not greater than the previous index's {old} (an older or replayed index)")
            }
            Problem::Removed(e) => write!(f, "{e} is in the previous index but not in this one (removals must be allowed explicitly)"),
            Problem::ContractChanged(e) => {
                write!(f, "{e}'s runtime hash changed (a published version's contract never changes; publish a new version)")
            }
        }
    }
}

impl Changes {
    /// Why these changes are refused: a serial that did not grow, a changed contract, and
    /// removals unless allowed.
    pub fn problems(&self, allow_removals: bool) -> Vec<Problem> {
        let (old, new) = (self.old_serial.unwrap_or(0), self.new_serial.unwrap_or(0));
        let mut problems = Vec::new();
        if new <= old {
            problems.push(Problem::SerialNotGreater { old, new });
        }
        problems.extend(self.contract_changed.iter().cloned().map(Problem::ContractChanged));
        if !allow_removals {
            problems.extend(self.removed.iter().cloned().map(Problem::Removed));
        }
        problems
    }

    /// Whether anything in the servers changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.contract_changed.is_empty() && self.updated.is_empty()
    }
}

/// Compares two indexes version by version.
pub fn compare(old: &Index, new: &Index) -> Changes {
    let versions = |idx: &Index| -> BTreeMap<Entry, String> {
        idx.servers
            .iter()
            .flat_map(|(name, s)| s.versions.iter().map(move |(v, m)| (Entry { name: name.clone(), version: v.clone() }, m)))
            .map(|(e, m)| (e, index::hash(m)))
            .collect()
    };
    let (before, after) = (versions(old), versions(new));
    let mut changes = Changes { old_serial: old.serial, new_serial: new.serial, ..Changes::default() };
    for (entry, hash) in &before {
        match after.get(entry) {
            None => changes.removed.push(entry.clone()),
            Some(h) if h == hash => {}
            Some(_) => {
                let runtime = |idx: &Index| index::runtime_hash(&idx.servers[&entry.name].versions[&entry.version]);
                if runtime(old) != runtime(new) {
                    changes.contract_changed.push(entry.clone());
                } else {
                    changes.updated.push(entry.clone());
                }
            }
        }
    }
    changes.added = after.into_keys().filter(|e| !before.contains_key(e)).collect();
    changes
}

/// Why an index is not to be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// No key to verify with.
    #[error("no trusted public key given")]
    NoKeys,
    /// The signature file is not one hex signature.
    #[error(transparent)]
    Signature(KeyError),
    /// No trusted key verifies the signature.
    #[error("the signature does not verify with any trusted key ({})", ids(tried))]
    NoKeyVerifies {
        /// The ids of the keys tried.
        tried: Vec<KeyId>,
    },
    /// Signed bytes that are not an index, or more than a gateway reads.
    #[error(transparent)]
    Index(IndexError),
    /// `expires` has passed.
    #[error("the index expired at {expires}, {ago} ago: a stale or frozen copy")]
    Expired {
        /// When it expired.
        expires: String,
        /// How long ago, for the message.
        ago: String,
    },
    /// No `expires`, and the policy requires one.
    #[error("the index has no `expires`, and an expiry is required")]
    NoExpiry,
    /// `generated` is older than the maximum age.
    #[error("the index was generated at {generated}, {age} ago, longer than the maximum age of {max_age}")]
    TooOld {
        /// When it was generated.
        generated: String,
        /// How long ago.
        age: String,
        /// The policy's maximum.
        max_age: String,
    },
    /// Refused against the previous index.
    #[error("refused against the previous index: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Rollback {
        /// Why.
        problems: Vec<Problem>,
        /// Everything that changed, for the report.
        changes: Box<Changes>,
    },
}

fn ids(keys: &[KeyId]) -> String {
    keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// An index that passed [`verify_index`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The key that verified the signature.
    pub key: KeyId,
    /// The index.
    pub index: Index,
    /// What changed since the previous index, when the policy had one.
    pub changes: Option<Changes>,
}

/// Which of `keys` verifies `signature` (a `.sig` file's bytes) over the exact `bytes`.
pub fn verify_signature(bytes: &[u8], signature: &[u8], keys: &[PublicKey]) -> Result<KeyId, TrustError> {
    if keys.is_empty() {
        return Err(TrustError::NoKeys);
    }
    for key in keys {
        match key.verify_file(bytes, signature) {
            Ok(()) => return Ok(key.key_id()),
            Err(KeyError::BadSignature) => continue,
            Err(e) => return Err(TrustError::Signature(e)),
        }
    }
    Err(TrustError::NoKeyVerifies { tried: keys.iter().map(PublicKey::key_id).collect() })
}

/// Checks an index before anything uses it, in a fixed order: its size against the gateway's
/// limit, the signature over the exact bytes under any of `keys`, its shape, then the
/// policy: expiry, maximum age, and against the previous index the serial, each version's
/// runtime hash and removals.
pub fn verify_index(bytes: &[u8], signature: &[u8], keys: &[PublicKey], policy: &Policy<'_>) -> Result<Verified, TrustError> {
    let (key, index) = signed_index(bytes, signature, keys)?;
    check_freshness(&index, policy)?;
    let changes = policy.previous.map(|old| compare(old, &index));
    if let Some(changes) = &changes {
        let problems = changes.problems(policy.allow_removals);
        if !problems.is_empty() {
            return Err(TrustError::Rollback { problems, changes: Box::new(changes.clone()) });
        }
    }
    Ok(Verified { key, index, changes })
}

/// Verifies the index a reader trusted before, to pass as [`Policy::previous`]: the signature
/// under `keys` and the shape only, since it has usually expired by the time it is replaced.
pub fn verify_previous(bytes: &[u8], signature: &[u8], keys: &[PublicKey]) -> Result<Verified, TrustError> {
    let (key, index) = signed_index(bytes, signature, keys)?;
    Ok(Verified { key, index, changes: None })
}

fn signed_index(bytes: &[u8], signature: &[u8], keys: &[PublicKey]) -> Result<(KeyId, Index), TrustError> {
    let size = bytes.len() as u64;
    if index::index_size(size) == IndexSize::OverLimit {
        return Err(TrustError::Index(IndexError::TooLarge { size, limit: GATEWAY_INDEX_LIMIT }));
    }
    let key = verify_signature(bytes, signature, keys)?;
    let index = index::parse(bytes).map_err(TrustError::Index)?;
    check_stamp(&index).map_err(TrustError::Index)?;
    Ok((key, index))
}

fn ago(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).unwrap_or_default().as_secs();
    humantime::format_duration(Duration::from_secs(secs)).to_string()
}

fn check_freshness(index: &Index, policy: &Policy<'_>) -> Result<(), TrustError> {
    match &index.expires {
        Some(expires) if !policy.allow_expired => {
            let until = time_of("expires", expires).map_err(TrustError::Index)?;
            if policy.now >= until {
                return Err(TrustError::Expired { expires: expires.clone(), ago: ago(policy.now, until) });
            }
        }
        None if policy.require_expires => return Err(TrustError::NoExpiry),
        _ => {}
    }
    if let Some(max_age) = policy.max_age {
        let generated = time_of("generated", &index.generated).map_err(TrustError::Index)?;
        if policy.now.duration_since(generated).unwrap_or_default() > max_age {
            return Err(TrustError::TooOld {
                generated: index.generated.clone(),
                age: ago(policy.now, generated),
                max_age: humantime::format_duration(max_age).to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SecretKey;

    const T0: &str = "2026-01-02T03:04:05Z";

    fn at(text: &str) -> SystemTime {
        whole_seconds(text).unwrap()
    }

    #[test]
    fn key_lists_take_comments_blank_lines_and_duplicates() {
        let (a, b) = (SecretKey::from_seed(&[1; 32]).public(), SecretKey::from_seed(&[2; 32]).public());
        let text = format!("# trusted keys\n{}  # current\n\n  {}\n{}\n", a.to_hex(), b.to_hex(), a.to_hex());
        assert_eq!(parse_key_list(&text), Ok(vec![a, b]));
        assert_eq!(parse_key_list("# none\n"), Ok(vec![]));
        assert_eq!(parse_key_list(&format!("{}\nabcd\n", a.to_hex())), Err(KeyListError { line: 2, source: KeyError::PublicLength(4) }));
    }

    #[test]
    fn expiry_is_a_time_or_a_duration_from_generated() {
        assert_eq!("2026-01-16T03:04:05Z".parse(), Ok(Expiry::At(at("2026-01-16T03:04:05Z"))));
        assert_eq!("14d".parse(), Ok(Expiry::After(Duration::from_secs(14 * 86400))));
        assert!("2026-01-16T03:04:05.5Z".parse::<Expiry>().unwrap_err().contains("whole seconds"));
        assert!("0s".parse::<Expiry>().is_err() && "soon".parse::<Expiry>().is_err());
        let mut idx = index::build([], T0.into()).unwrap();
        stamp(&mut idx, Some(3), Some(Expiry::After(Duration::from_secs(14 * 86400)))).unwrap();
        assert_eq!((idx.serial, idx.expires.as_deref()), (Some(3), Some("2026-01-16T03:04:05Z")));
        assert_eq!(stamp(&mut idx, Some(0), None), Err(IndexError::BadSerial(0)));
        assert_eq!(stamp(&mut idx, Some(MAX_SERIAL + 1), None), Err(IndexError::BadSerial(MAX_SERIAL + 1)));
        assert!(matches!(stamp(&mut idx, None, Some(Expiry::At(at(T0)))), Err(IndexError::ExpiresTooEarly { .. })));
        assert_eq!(stamp(&mut idx, None, None), Ok(()));
        assert_eq!((idx.serial, idx.expires), (None, None));
    }

    /// The conformance index, stamped with a serial and an expiry and signed by `key`.
    fn signed(key: &SecretKey, edit: impl FnOnce(&mut Index), serial: u64, expires: &str) -> (Vec<u8>, String) {
        let mut idx = index::parse(include_bytes!("../tests/fixtures/conformance/index.json")).unwrap();
        edit(&mut idx);
        idx.serial = Some(serial);
        idx.expires = Some(expires.into());
        let bytes = index::to_go_json(&idx);
        let sig = key.sign(&bytes);
        (bytes, sig)
    }

    fn policy_at(now: &str) -> Policy<'static> {
        Policy::at(at(now))
    }

    #[test]
    fn each_refusal_of_verify_index() {
        let (key, other) = (SecretKey::from_seed(&[7; 32]), SecretKey::from_seed(&[8; 32]));
        let keys = [key.public()];
        let (bytes, sig) = signed(&key, |_| {}, 2, "2026-01-16T03:04:05Z");
        let ok = verify_index(bytes.as_slice(), sig.as_bytes(), &keys, &policy_at("2026-01-10T00:00:00Z")).unwrap();
        assert_eq!((ok.key, ok.index.serial, ok.changes), (key.public().key_id(), Some(2), None));
        // Wrong key, no key, a signature file that is not one signature.
        let err = verify_index(&bytes, sig.as_bytes(), &[other.public()], &policy_at(T0)).unwrap_err();
        assert_eq!(err, TrustError::NoKeyVerifies { tried: vec![other.public().key_id()] });
        assert_eq!(verify_index(&bytes, sig.as_bytes(), &[], &policy_at(T0)), Err(TrustError::NoKeys));
        assert_eq!(verify_index(&bytes, b"00", &keys, &policy_at(T0)), Err(TrustError::Signature(KeyError::SignatureFormat)));
        // Expired: at the second it expires and after, unless allowed.
        let late = policy_at("2026-01-16T03:04:05Z");
        assert!(matches!(verify_index(&bytes, sig.as_bytes(), &keys, &late), Err(TrustError::Expired { .. })));
        let err = verify_index(&bytes, sig.as_bytes(), &keys, &policy_at("2026-01-17T03:04:05Z")).unwrap_err();
        assert_eq!(err.to_string(), "the index expired at 2026-01-16T03:04:05Z, 1day ago: a stale or frozen copy");
        assert!(verify_index(&bytes, sig.as_bytes(), &keys, &Policy { allow_expired: true, ..late }).is_ok());
        // Too old: generated 2026-01-02T03:04:05Z.
        let aged = Policy { max_age: Some(Duration::from_secs(86400)), ..policy_at("2026-01-03T03:04:06Z") };
        assert!(matches!(verify_index(&bytes, sig.as_bytes(), &keys, &aged), Err(TrustError::TooOld { .. })));
        let young = Policy { max_age: Some(Duration::from_secs(86400)), ..policy_at("2026-01-03T03:04:05Z") };
        assert!(verify_index(&bytes, sig.as_bytes(), &keys, &young).is_ok());
        // No expiry, when one is required.
        let mut idx = index::parse(include_bytes!("../tests/fixtures/conformance/index.json")).unwrap();
        idx.serial = Some(1);
        let plain = index::to_go_json(&idx);
        let plain_sig = key.sign(&plain);
        let strict = Policy { require_expires: true, ..policy_at(T0) };
        assert_eq!(verify_index(&plain, plain_sig.as_bytes(), &keys, &strict), Err(TrustError::NoExpiry));
        assert!(verify_index(&plain, plain_sig.as_bytes(), &keys, &policy_at(T0)).is_ok());
    }

    #[test]
    fn against_the_previous_index() {
        let key = SecretKey::from_seed(&[7; 32]);
        let keys = [key.public()];
        let now = "2026-01-10T00:00:00Z";
        let (old, old_sig) = signed(&key, |_| {}, 2, "2026-01-16T03:04:05Z");
        let previous = verify_previous(&old, old_sig.as_bytes(), &keys).unwrap().index;
        let with_previous = Policy { previous: Some(&previous), ..policy_at(now) };
        let check = |edit: &dyn Fn(&mut Index), serial: u64, policy: &Policy<'_>| {
            let (bytes, sig) = signed(&key, edit, serial, "2026-01-17T03:04:05Z");
            verify_index(&bytes, sig.as_bytes(), &keys, policy)
        };
        // The next publish, unchanged: passes, nothing changed.
        let next = check(&|_| {}, 3, &with_previous).unwrap();
        assert_eq!(next.changes.as_ref().map(Changes::is_empty), Some(true));
        // A replayed or older index: the serial does not grow.
        for serial in [1, 2] {
            let err = check(&|_| {}, serial, &with_previous).unwrap_err();
            let TrustError::Rollback { problems, .. } = err else { panic!("{err:?}") };
            assert_eq!(problems, [Problem::SerialNotGreater { old: 2, new: serial }]);
        }
        // A version dropped: refused unless removals are allowed.
        let drop_beta = |idx: &mut Index| {
            idx.servers.remove("beta");
        };
        let beta = Entry { name: "beta".into(), version: "1.0.0".into() };
        let err = check(&drop_beta, 3, &with_previous).unwrap_err();
        assert!(matches!(&err, TrustError::Rollback { problems, .. } if problems == &[Problem::Removed(beta.clone())]), "{err:?}");
        let allowed = check(&drop_beta, 3, &Policy { allow_removals: true, ..with_previous }).unwrap();
        assert_eq!(allowed.changes.unwrap().removed, [beta]);
        // A published version's contract changed (mix-and-match): refused, always.
        let widen = |idx: &mut Index| {
            let m = idx.servers.get_mut("gamma").unwrap().versions.get_mut("0.1.0").unwrap();
            m.entitlements.egress.push("api.other.example.com".into());
        };
        let err = check(&widen, 3, &Policy { allow_removals: true, ..with_previous }).unwrap_err();
        let gamma = Entry { name: "gamma".into(), version: "0.1.0".into() };
        assert!(matches!(&err, TrustError::Rollback { problems, .. } if problems == &[Problem::ContractChanged(gamma.clone())]), "{err:?}");
        assert!(err.to_string().contains("gamma@0.1.0's runtime hash changed"), "{err}");
        // A new image digest or description under the same contract: reported, not refused.
        let repin = |idx: &mut Index| {
            let m = idx.servers.get_mut("gamma").unwrap().versions.get_mut("0.1.0").unwrap();
            m.image.digest = format!("sha256:{}", "9".repeat(64));
        };
        assert_eq!(check(&repin, 3, &with_previous).unwrap().changes.unwrap().updated, [gamma]);
    }

    #[test]
    fn two_keys_rotate_without_a_gap() {
        // Dual-signed: the same bytes carry the current key's signature (what gateways read)
        // and the next key's; a reader trusting either, or both, accepts them.
        let (current, next) = (SecretKey::from_seed(&[7; 32]), SecretKey::from_seed(&[9; 32]));
        let (bytes, sig) = signed(&current, |_| {}, 5, "2026-01-16T03:04:05Z");
        let next_sig = next.sign(&bytes);
        let now = policy_at("2026-01-10T00:00:00Z");
        let both = [current.public(), next.public()];
        assert_eq!(verify_index(&bytes, sig.as_bytes(), &both, &now).unwrap().key, current.public().key_id());
        assert_eq!(verify_index(&bytes, next_sig.as_bytes(), &both, &now).unwrap().key, next.public().key_id());
        assert!(verify_index(&bytes, next_sig.as_bytes(), &[next.public()], &now).is_ok());
        assert!(verify_index(&bytes, next_sig.as_bytes(), &[current.public()], &now).is_err());
        // After the switch the next key signs alone; the last dual-signed index verifies as the
        // previous one under the next key, so the chain continues.
        let previous = verify_previous(&bytes, next_sig.as_bytes(), &[next.public()]).unwrap().index;
        let (after, after_sig) = signed(&next, |_| {}, 6, "2026-01-17T03:04:05Z");
        let policy = Policy { previous: Some(&previous), ..now };
        assert_eq!(verify_index(&after, after_sig.as_bytes(), &[next.public()], &policy).unwrap().key, next.public().key_id());
        assert!(verify_index(&after, after_sig.as_bytes(), &[current.public()], &policy).is_err());
    }
}
