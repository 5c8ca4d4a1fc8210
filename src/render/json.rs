// SPDX-License-Identifier: Apache-2.0
//! `--format json`: one object, `{"diagnostics": [...], "suppressed": [...]}`: the findings in
//! [`Diagnostic`]'s serialized shape, and apart from them the warnings reviewed comments
//! accepted, each with its `reason` and `commentLine`.

use serde::Serialize;

use super::Render;
use crate::diag::{Diagnostic, Suppressed};

/// Collects the diagnostics and writes them, with the suppressed ones, as one object.
pub(super) struct Json<'r> {
    diags: Vec<&'r Diagnostic>,
    suppressed: &'r [Suppressed],
}

impl<'r> Json<'r> {
    pub(super) fn new(suppressed: &'r [Suppressed]) -> Json<'r> {
        Json { diags: Vec::new(), suppressed }
    }
}

/// The document's shape.
#[derive(Serialize)]
struct Document<'a> {
    diagnostics: &'a [&'a Diagnostic],
    suppressed: &'a [Suppressed],
}

impl<'r> Render<'r> for Json<'r> {
    fn report(&mut self, d: &'r Diagnostic) {
        self.diags.push(d);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        let doc = Document { diagnostics: &self.diags, suppressed: self.suppressed };
        let mut v = serde_json::to_vec_pretty(&doc).expect("diagnostics serialize");
        v.push(b'\n');
        v
    }
}
