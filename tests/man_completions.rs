// SPDX-License-Identifier: Apache-2.0
//! Man pages and shell completion (issue 21 item 5): one page per subcommand with EXIT STATUS,
//! ENVIRONMENT and a SEE ALSO naming only pages that exist; completion scripts that complete
//! the registry's server names, exercised in a real bash.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{bin, registry, write};

/// The subcommands `registryctl --help` lists.
fn subcommands() -> Vec<String> {
    let help = String::from_utf8(bin().arg("--help").assert().success().get_output().stdout.clone()).unwrap();
    common::subcommands(&help)
}

#[test]
fn man_writes_one_page_per_subcommand_whose_see_also_exists() {
    let d = tempfile::tempdir().unwrap();
    bin().args(["man", "--out-dir"]).arg(d.path().join("man1")).assert().success();
    let written: BTreeSet<String> =
        fs::read_dir(d.path().join("man1")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let mut expected: BTreeSet<String> = subcommands().iter().map(|s| format!("registryctl-{s}.1")).collect();
    expected.insert("registryctl.1".into());
    assert_eq!(written, expected);
    for page in &written {
        let text = fs::read_to_string(d.path().join("man1").join(page)).unwrap();
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH \"SEE ALSO\"", ".SH EXAMPLES"] {
            assert!(text.contains(section), "{page} has no {section}");
        }
        let see_also = text.split(".SH \"SEE ALSO\"").nth(1).unwrap().split(".SH").next().unwrap();
        let refs: Vec<&str> = see_also.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| w.ends_with("(1)")).collect();
        assert!(!refs.is_empty(), "{page}: empty SEE ALSO");
        for r in refs {
            let file = format!("{}.1", r.trim_end_matches("(1)").replace("\\-", "-"));
            assert!(written.contains(&file), "{page} refers to {r}, which was not written");
        }
    }
    let sign = fs::read_to_string(d.path().join("man1/registryctl-sign.1")).unwrap();
    assert!(sign.contains("GIG_INDEX_SIGNING_KEY") && sign.contains("GIG_SIGNING_KEY"));
    let top = String::from_utf8(bin().arg("man").assert().success().get_output().stdout.clone()).unwrap();
    assert_eq!(top, fs::read_to_string(d.path().join("man1/registryctl.1")).unwrap());
}

/// What bash completes for `words` (the last one being typed) in `dir`, through the script
/// `registryctl completions bash` prints.
fn bash_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let exe = assert_cmd::cargo::cargo_bin("registryctl");
    let path = format!("{}:{}", exe.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let script = bin().args(["completions", "bash"]).assert().success().get_output().stdout.clone();
    let script_file = dir.join("registryctl.bash");
    fs::write(&script_file, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n_clap_complete_registryctl registryctl \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script_file.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let out = std::process::Command::new("bash").arg("-c").arg(program).current_dir(dir).env("PATH", path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn bash_completes_server_names_for_resolve_build_args_and_hash() {
    let r = registry();
    write(r.path(), "manifests/acme/0.2.0.yaml", &common::manifest("acme", "0.2.0"));
    write(r.path(), "manifests/beta/1.0.0.yaml", &common::manifest("beta", "1.0.0"));
    assert_eq!(bash_complete(r.path(), &["registryctl", "resolve", "ac"]), ["acme", "acme@0.1.0", "acme@0.2.0"]);
    assert_eq!(bash_complete(r.path(), &["registryctl", "resolve", "beta@"]), ["beta@1.0.0"]);
    let paths = ["manifests/acme", "manifests/acme/0.1.0.yaml", "manifests/acme/0.2.0.yaml"];
    assert_eq!(bash_complete(r.path(), &["registryctl", "hash", "manifests/a"]), paths);
    assert_eq!(bash_complete(r.path(), &["registryctl", "build-args", "manifests/a"]), paths);
    assert_eq!(bash_complete(r.path(), &["registryctl", "reso"]), ["resolve"]);
    assert!(bash_complete(r.path(), &["registryctl", "hash", "--form"]).contains(&"--format".to_string()));
}
