// SPDX-License-Identifier: Apache-2.0
//! The public-suffix list: one copy of the data (`policy/data/public_suffix_list.dat`, compiled
//! in), parsed once, answering both questions the egress rules ask: does a host end in a suffix
//! the list's ICANN section knows, and which public suffixes (either section) lie at or below a
//! name. Where the file comes from and how it is refreshed: `policy/data/public_suffix_list.version`
//! and the README.
//!
//! The file format is publicsuffix.org's: one rule a line, read up to the first whitespace;
//! `//` comments; `*.` (a wildcard label) and `!` (an exception) prefixes; the ICANN and private
//! sections between `===BEGIN … DOMAINS===` markers. Rules in Unicode are converted to their
//! ASCII (`xn--`) form, which is how hosts are written here.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, OnceLock};

/// The list as committed, compiled into the binary.
pub const DATA: &str = include_str!("../../policy/data/public_suffix_list.dat");

/// Which part of the list a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Delegated by ICANN: top-level domains and the registries' own second levels (`co.uk`).
    Icann,
    /// Submitted by companies whose customers get names under them (`github.io`, `s3.amazonaws.com`).
    Private,
}

/// A name as the list holds it: borrowed from the list's text when it is already ASCII
/// lowercase (nearly all are, so parsing allocates little), owned when converted.
type Name = Cow<'static, str>;

/// The multiply-rotate hash rustc uses for its own tables (FxHash): the list's ten thousand
/// names are hashed at every start, and SipHash's resistance to chosen keys buys nothing for
/// keys compiled into the binary (a looked-up host is hashed, never inserted).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Map<V> = HashMap<Name, V, BuildHasherDefault<Fx>>;
type Set = HashSet<Name, BuildHasherDefault<Fx>>;

/// A parsed public-suffix list.
#[derive(Debug, Clone, Default)]
pub struct SuffixList {
    /// The `// VERSION:` line's value, when the file has one.
    version: Option<String>,
    /// Plain rules: the name is a public suffix.
    plain: Map<Section>,
    /// `*.base` rules, by base: every name one label under the base is a public suffix.
    wildcard: Map<Section>,
    /// `!name` rules: not a public suffix despite a wildcard.
    exception: Set,
    /// Every plain rule and every wildcard base, and all their parent domains: the names with a
    /// public suffix at or below them (for the wildcard-coverage question without a scan).
    /// Built on the first such question: a run without wildcards never pays for it.
    above: OnceLock<Set>,
}

static BUILTIN: LazyLock<SuffixList> = LazyLock::new(|| SuffixList::parse(DATA));

/// The compiled-in list, parsed on first use.
pub fn builtin() -> &'static SuffixList {
    &BUILTIN
}

/// `name` and each of its parent domains, longest first: `a.b.c`, `b.c`, `c`.
fn self_and_parents(name: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(name), |n| n.split_once('.').map(|(_, rest)| rest))
}

/// The parent domain: `b.c` for `a.b.c`; `None` for one label.
fn parent(name: &str) -> Option<&str> {
    name.split_once('.').map(|(_, rest)| rest)
}

/// Whether `name` equals `base` or is under it.
fn at_or_below(name: &str, base: &str) -> bool {
    name == base || name.len() > base.len() && name.ends_with(base) && name.as_bytes()[name.len() - base.len() - 1] == b'.'
}

impl SuffixList {
    /// Parses the publicsuffix.org format. Lines it cannot read as a rule are skipped, as the
    /// format's reference algorithm does.
    pub fn parse(text: &'static str) -> SuffixList {
        let mut list = SuffixList::default();
        // About one rule per 23 bytes of the real list: sized once instead of grown.
        list.plain.reserve(text.len() / 23);
        let mut section = None;
        for line in text.lines() {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix("//") {
                let comment = comment.trim();
                if comment.starts_with("===BEGIN ICANN DOMAINS===") {
                    section = Some(Section::Icann);
                } else if comment.starts_with("===BEGIN PRIVATE DOMAINS===") {
                    section = Some(Section::Private);
                } else if comment.starts_with("===END ") {
                    section = None;
                } else if let Some(v) = comment.strip_prefix("VERSION:") {
                    list.version = Some(v.trim().to_string());
                }
                continue;
            }
            let (Some(section), Some(rule)) = (section, line.split_whitespace().next()) else { continue };
            list.add(rule, section);
        }
        list
    }

    /// The names with a public suffix at or below them (see the field).
    fn above(&self) -> &Set {
        self.above.get_or_init(|| {
            let mut above = Set::with_capacity_and_hasher(self.plain.len() * 2, BuildHasherDefault::default());
            for name in self.plain.keys().chain(self.wildcard.keys()) {
                match name {
                    Cow::Borrowed(n) => above.extend(self_and_parents(n).map(Cow::Borrowed)),
                    Cow::Owned(n) => above.extend(self_and_parents(n).map(|p| Cow::Owned(p.to_string()))),
                }
            }
            above
        })
    }

    fn add(&mut self, rule: &'static str, section: Section) {
        let (kind, name) = match (rule.strip_prefix("!"), rule.strip_prefix("*.")) {
            (Some(name), _) => (Kind::Exception, name),
            (None, Some(base)) => (Kind::Wildcard, base),
            (None, None) => (Kind::Plain, rule),
        };
        let plain = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase());
        let name: Name = if name.split('.').all(plain) {
            Cow::Borrowed(name)
        } else {
            match to_ascii(name) {
                Some(n) => Cow::Owned(n),
                None => return,
            }
        };
        match kind {
            Kind::Exception => {
                self.exception.insert(name);
            }
            Kind::Wildcard => {
                self.wildcard.insert(name, section);
            }
            Kind::Plain => {
                self.plain.insert(name, section);
            }
        }
    }

    /// The list's `// VERSION:` value (the upstream commit time), if the file has one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// How many rules it holds (plain, wildcard and exception).
    pub fn len(&self) -> usize {
        self.plain.len() + self.wildcard.len() + self.exception.len()
    }

    /// Whether it holds no rule.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The section of the rule that makes `name` itself a public suffix, if one does (an
    /// explicit rule; the format's implicit `*` for unknown top-level names does not count).
    pub fn suffix_section(&self, name: &str) -> Option<Section> {
        if let Some(s) = self.plain.get(name) {
            return Some(*s);
        }
        let base = parent(name)?;
        self.wildcard.get(base).copied().filter(|_| !self.exception.contains(name))
    }

    /// Whether `name` is itself a public suffix, in either section.
    pub fn is_public_suffix(&self, name: &str) -> bool {
        self.suffix_section(name).is_some()
    }

    /// Whether `host` ends in a suffix of the ICANN section: a name anyone can resolve in public
    /// DNS, not one only a cluster's or a company's own resolver answers (`svc`, `consul`, `corp`).
    pub fn ends_in_icann_suffix(&self, host: &str) -> bool {
        self_and_parents(host).any(|n| self.plain.get(n) == Some(&Section::Icann))
            || self_and_parents(host).filter_map(parent).any(|base| self.wildcard.get(base) == Some(&Section::Icann))
    }

    /// Whether any public suffix, of either section, is `name` itself or lies below it: then a
    /// wildcard `*.name` reaches hosts that strangers can register.
    pub fn has_suffix_at_or_below(&self, name: &str) -> bool {
        self.above().contains(name) || self.is_public_suffix(name)
    }

    /// The public suffixes at or below `name`, as the list writes their rules (`s3.amazonaws.com`,
    /// `*.compute.amazonaws.com`), sorted; `name` itself first when it is one. For messages: it
    /// scans the whole list.
    pub fn suffixes_at_or_below(&self, name: &str) -> Vec<String> {
        let mut found: Vec<String> = self.plain.keys().filter(|r| at_or_below(r, name)).map(|r| r.to_string()).collect();
        found.extend(self.wildcard.keys().filter(|b| at_or_below(b, name)).map(|b| format!("*.{b}")));
        found.sort_by(|a, b| (a.split('.').count(), a).cmp(&(b.split('.').count(), b)));
        if !self.plain.contains_key(name) && self.is_public_suffix(name) {
            found.insert(0, name.to_string());
        }
        found
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Plain,
    Wildcard,
    Exception,
}

/// A rule's name in ASCII: each label lowercased, and a label with non-ASCII characters as
/// `xn--` and its Punycode. `None` for an empty label. The list's Unicode rules are already in
/// the normalised form that IDNA's mapping produces, so encoding is all that is needed (a test
/// checks every one against the `url` crate's IDNA).
pub fn to_ascii(name: &str) -> Option<String> {
    let mut out = Vec::new();
    for label in name.split('.') {
        if label.is_empty() {
            return None;
        }
        if label.is_ascii() {
            out.push(label.to_ascii_lowercase());
        } else {
            out.push(format!("xn--{}", punycode(&label.to_lowercase())?));
        }
    }
    Some(out.join("."))
}

/// RFC 3492 Punycode encoding of one label (section 6.3). `None` on overflow, which no label
/// of a real name reaches.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let digit = |d: u32| char::from(if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 });
    let points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < points.len() {
        let m = points.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias { T_MIN } else { (k - bias).min(T_MAX) };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

/// RFC 3492's bias adaptation (section 6.1).
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > (35 * 26) / 2 {
        delta /= 35;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_list_has_both_sections_and_a_version() {
        let l = builtin();
        assert!(l.len() > 9000, "{}", l.len());
        assert!(l.version().is_some_and(|v| v.starts_with("20")));
        assert_eq!(l.suffix_section("com"), Some(Section::Icann));
        assert_eq!(l.suffix_section("co.uk"), Some(Section::Icann));
        assert_eq!(l.suffix_section("github.io"), Some(Section::Private));
        assert_eq!(l.suffix_section("s3.amazonaws.com"), Some(Section::Private));
        assert_eq!(l.suffix_section("acme.com"), None);
    }

    #[test]
    fn the_record_describes_the_committed_list() {
        use sha2::{Digest, Sha256};
        let record = include_str!("../../policy/data/public_suffix_list.version");
        let field = |key: &str| record.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix('=')).unwrap_or_default();
        assert_eq!(field("package"), "publicsuffixlist");
        assert_eq!(field("sha256"), hex::encode(Sha256::digest(DATA.as_bytes())), "policy/data/public_suffix_list.version is stale");
        assert_eq!(Some(field("list-version")), builtin().version());
    }

    #[test]
    fn wildcards_and_exceptions() {
        let l = SuffixList::parse("// ===BEGIN ICANN DOMAINS===\nck\n*.ck\n!www.ck\n// ===END ICANN DOMAINS===\n");
        assert!(l.is_public_suffix("foo.ck"));
        assert!(!l.is_public_suffix("www.ck"));
        assert!(l.ends_in_icann_suffix("www.ck") && l.ends_in_icann_suffix("a.foo.ck"));
        assert!(l.has_suffix_at_or_below("foo.ck"));
        assert!(!l.has_suffix_at_or_below("www.ck") && !l.has_suffix_at_or_below("a.foo.ck"));
        assert_eq!(l.suffixes_at_or_below("ck"), ["ck", "*.ck"]);
    }

    #[test]
    fn rules_outside_the_sections_and_after_whitespace_are_ignored() {
        let l = SuffixList::parse("stray\n// ===BEGIN PRIVATE DOMAINS===\nfoo.example.com trailing words\n// ===END PRIVATE DOMAINS===\n");
        assert_eq!(l.len(), 1);
        assert!(l.is_public_suffix("foo.example.com"));
        assert!(!l.ends_in_icann_suffix("foo.example.com"));
    }

    #[test]
    fn internal_names_do_not_end_in_an_icann_suffix() {
        let l = builtin();
        for internal in [
            "kubernetes.default.svc",
            "x.consul",
            "svc.cluster.local",
            "db.corp",
            "printer.lan",
            "a.internal",
            "a.home",
            "vault.service.consul",
        ] {
            assert!(!l.ends_in_icann_suffix(internal), "{internal}");
        }
        for public in ["api.acme.com", "api.acme.co.uk", "a.github.io", "x.xn--p1ai", "www.ck", "api.acme.dev"] {
            assert!(l.ends_in_icann_suffix(public), "{public}");
        }
    }

    #[test]
    fn public_suffixes_below_a_name() {
        let l = builtin();
        assert!(l.has_suffix_at_or_below("amazonaws.com"));
        let below = l.suffixes_at_or_below("amazonaws.com");
        assert!(below.iter().any(|s| s == "s3.amazonaws.com"), "{below:?}");
        assert!(l.has_suffix_at_or_below("myshopify.com") && l.has_suffix_at_or_below("co.uk"));
        assert!(!l.has_suffix_at_or_below("acme.com") && !l.has_suffix_at_or_below("uploads.acme.com"));
        assert!(l.suffixes_at_or_below("acme.com").is_empty());
    }

    #[test]
    fn punycode_matches_rfc_3492_samples() {
        assert_eq!(to_ascii("рф").as_deref(), Some("xn--p1ai"));
        assert_eq!(to_ascii("公司.cn").as_deref(), Some("xn--55qx5d.cn"));
        assert_eq!(to_ascii("bücher.de").as_deref(), Some("xn--bcher-kva.de"));
        // RFC 3492 7.1 (L): Japanese with ASCII.
        assert_eq!(punycode("3年b組金八先生").as_deref(), Some("3b-ww4c5e180e575a65lsy2b"));
        assert_eq!(to_ascii("a..b"), None);
    }
}
