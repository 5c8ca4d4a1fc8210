// SPDX-License-Identifier: Apache-2.0
//! The schema's rules: small plain functions over the typed values, grouped by subject, each
//! pushing findings into a list. No I/O and no printing.
//!
//! A new rule goes into the file of its subject (or a new file here), with its unit tests beside
//! it, and its id into the matching section of the table in `src/diag.rs`.

pub mod credentials;
pub mod egress;
pub mod identity;
pub mod pairing;
pub mod placeholder;
pub mod policy;
pub mod source;
pub mod tools;
pub mod toolspec;
pub mod wire;

use super::{Manifest, Toolspec};
use crate::diag::Diagnostic;

/// Every rule over one manifest's own values: what the gateway's Go schema checks, plus the
/// stricter checks this tool adds. Policy (denylist, public suffixes, reserved names) is
/// [`policy::apply`]; rules that need the repository are in [`super::check_manifest`].
pub fn manifest_rules(m: &Manifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    identity::header(m.schema_version, &m.name, &m.version, &mut out);
    source::source(&m.source, &mut out);
    source::image(&m.image, &mut out);
    source::tag_by_builder(m, &mut out);
    egress::manifest_entries(m, &mut out);
    credentials::credentials(m, &mut out);
    tools::tools(&m.tools, &mut out);
    wire::tool_names(m, &mut out);
    placeholder::manifest(m, &mut out);
    out
}

/// Every rule over one toolspec's own values (pairing with its manifest is [`pairing::pair`]).
pub fn toolspec_rules(t: &Toolspec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    identity::header(t.schema_version, &t.name, &t.version, &mut out);
    toolspec::toolspec(t, &mut out);
    credentials::toolspec_headers(t, &mut out);
    placeholder::toolspec(t, &mut out);
    out
}

/// Whether a value holds a control character (header and process injection).
pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}
