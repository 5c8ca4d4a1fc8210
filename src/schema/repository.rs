// SPDX-License-Identifier: Apache-2.0
//! The registry's own configuration, `policy/registry.yaml` under the policy root: the
//! repository every image is pushed to, and the repository of the toolpack engine. Configured
//! once: the lint rules, `build-args` (its `IMAGE` line) and the image workflow read these values.
//! Text in, typed value and findings out; the registry pipeline reads the file.

use super::patterns::NAME;
use super::read::Reader;
use super::rules::source::{check_image_ref, check_repo};
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::yaml;

/// The file, under the policy root.
pub const PATH: &str = "policy/registry.yaml";

/// What `policy/registry.yaml` configures. A value is `None` when the file leaves it out or
/// gets it wrong (that is an error in the file); the rules that need it are then skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositoryConfig {
    /// Where every image is pushed: `<imagePrefix>/<name>-mcp`, e.g. `ghcr.io/gigmcp`.
    pub image_prefix: Option<String>,
    /// The toolpack engine's source repository, e.g. `github.com/gigmcp/toolpack`.
    pub toolpack_repo: Option<String>,
}

impl RepositoryConfig {
    /// The image repository of server `name`: `<imagePrefix>/<name>-mcp`; `None` without a
    /// usable prefix or for a name that is not a server name.
    pub fn image_for(&self, name: &str) -> Option<String> {
        let prefix = self.image_prefix.as_deref()?;
        NAME.is_match(name).then(|| format!("{prefix}/{name}-mcp"))
    }
}

/// Reads `policy/registry.yaml`: `imagePrefix` and `toolpack.repo`, both required. The result is
/// `None` only when the text is not a YAML mapping at all. Findings carry spans; the caller
/// names the file.
pub fn parse(text: &str) -> (Option<RepositoryConfig>, Vec<Diagnostic>) {
    let mut parse_findings = Vec::new();
    let Some(mut root) = yaml::parse(text, &mut parse_findings) else { return (None, parse_findings) };
    let mut r = Reader::new(parse_findings);
    let Some(mut f) = r.fields(&mut root, FieldPath::root()) else { return (None, r.diagnostics) };
    let image_prefix = r.opt_string(&mut f, "imagePrefix");
    let toolpack_repo = r.opt_struct(&mut f, "toolpack", |r, t| r.opt_string(t, "repo")).unwrap_or_default();
    r.reject_unknown(f);
    let mut findings = Vec::new();
    let config = RepositoryConfig {
        image_prefix: checked(image_prefix, FieldPath::field("imagePrefix"), check_prefix, &mut findings),
        toolpack_repo: checked(toolpack_repo, FieldPath::field("toolpack").key("repo"), check_repo, &mut findings),
    };
    let mut diags = r.with_rule_findings(findings);
    root.locate_all(&mut diags);
    (Some(config), diags)
}

/// The value when it is present and well-formed; otherwise a finding and `None`.
fn checked(value: String, at: FieldPath, check: fn(&str) -> Result<(), String>, out: &mut Vec<Diagnostic>) -> Option<String> {
    let result = if value.is_empty() { Err(format!("`{at}` is required")) } else { check(&value) };
    match result {
        Ok(()) => Some(value),
        Err(e) => {
            out.push(Diagnostic::new(Rule::RegistryConfig, at, e));
            None
        }
    }
}

/// An image prefix is an OCI repository without tag or digest: `<registry>/<namespace>`.
fn check_prefix(prefix: &str) -> Result<(), String> {
    check_image_ref(prefix).map_err(|e| format!("imagePrefix: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_values_are_required_and_checked() {
        let (c, d) = parse("imagePrefix: ghcr.io/gigmcp\ntoolpack:\n  repo: github.com/gigmcp/toolpack\n");
        assert!(d.is_empty(), "{d:?}");
        let c = c.expect("a mapping");
        assert_eq!(c.image_for("acme").as_deref(), Some("ghcr.io/gigmcp/acme-mcp"));
        assert_eq!(c.image_for("Bad_Name"), None);
        assert_eq!(c.toolpack_repo.as_deref(), Some("github.com/gigmcp/toolpack"));

        let (c, d) = parse("imagePrefix: ghcr.io/gigmcp:latest\n");
        assert_eq!(c, Some(RepositoryConfig::default()));
        let got: Vec<_> = d.iter().map(|d| (d.rule, d.field.to_string(), d.span.map(|s| s.start.line))).collect();
        assert_eq!(got, [(Rule::RegistryConfig, "imagePrefix".into(), Some(1)), (Rule::RegistryConfig, "toolpack.repo".into(), Some(1))]);

        let (c, d) = parse("imagePrefix: ghcr.io/gigmcp\ntoolpack: {repo: github.com/gigmcp/toolpack}\nextra: 1\n");
        assert!(c.is_some_and(|c| c.image_prefix.is_some() && c.toolpack_repo.is_some()));
        assert_eq!(d.iter().map(|d| d.rule).collect::<Vec<_>>(), [Rule::YamlUnknownField]);
        assert_eq!(parse("- a list\n").0, None);
    }
}
