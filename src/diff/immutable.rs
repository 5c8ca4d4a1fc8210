// SPDX-License-Identifier: Apache-2.0
//! Published versions are immutable. A version is published once its manifest pins a real image
//! digest; gateways may have installed it, so its runtime contract must not change under the
//! same version, its digest must not move, and removing it strands gateways pinned to it.
//! Planned versions (the placeholder digest) may change freely; presentation fields may always
//! change (they are not in the runtime hash and no gateway asks again).

use super::{Change, ChangeKind, FileKind, Finding};
use crate::diag::Rule;
use crate::schema::manifest::PLANNED_DIGEST;

/// The manifest field the digest rule covers, apart from the rest of the contract.
const DIGEST: &str = "image.digest";

/// The findings for a published version whose files changed: a moved digest, and per file the
/// other fields of the runtime contract that changed.
pub(super) fn changed(server: &str, version: &str, changes: &[Change]) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(d) = changes.iter().find(|c| c.file == FileKind::Manifest && c.field == DIGEST) {
        let message = if d.after.as_str() == Some(PLANNED_DIGEST) {
            "the image digest of a published version was set back to the planned placeholder"
        } else {
            "the image digest of a published version changed"
        };
        out.push(Finding::new(Rule::PublishedDigestChanged, server, version, FileKind::Manifest, vec![DIGEST.into()], message.into()));
    }
    for file in [FileKind::Manifest, FileKind::Toolspec] {
        let fields: Vec<String> = changes
            .iter()
            .filter(|c| c.file == file && c.kind != ChangeKind::Presentation && !(file == FileKind::Manifest && c.field == DIGEST))
            .map(|c| c.field.clone())
            .collect();
        if !fields.is_empty() {
            let message = format!("the runtime contract of a published version changed: {}", fields.join(", "));
            out.push(Finding::new(Rule::PublishedVersionChanged, server, version, file, fields, message));
        }
    }
    out
}

/// The finding for a published version that is gone.
pub(super) fn removed(server: &str, version: &str) -> Finding {
    let message = "a published version was removed: gateways pinned to it can no longer install it".to_string();
    Finding::new(Rule::PublishedVersionRemoved, server, version, FileKind::Manifest, Vec::new(), message)
}
