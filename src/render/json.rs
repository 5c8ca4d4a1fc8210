// SPDX-License-Identifier: Apache-2.0
//! `--format json`: one array of diagnostics, in [`Diagnostic`]'s one serialized shape.

use super::Render;
use crate::diag::Diagnostic;

/// Collects the diagnostics and writes them as one pretty-printed array.
#[derive(Default)]
pub(super) struct Json<'r> {
    diags: Vec<&'r Diagnostic>,
}

impl<'r> Render<'r> for Json<'r> {
    fn report(&mut self, d: &'r Diagnostic) {
        self.diags.push(d);
    }

    fn finish(self: Box<Self>) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(&self.diags).expect("diagnostics serialize");
        v.push(b'\n');
        v
    }
}
