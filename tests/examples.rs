// SPDX-License-Identifier: Apache-2.0
//! Every example runs as written (issue 21 item 3). The examples in `--help` of registryctl and
//! of each subcommand, in README.md's and CONTRIBUTING.md's shell blocks and in the README's
//! subcommand table each need a CLI case under tests/cmd/ that runs exactly that command line
//! (tests/cmd.rs runs the cases), unless the line is marked `# needs: <what the repository does
//! not have>`.
//!
//! A case matches an example when its `args` are the example's words after `registryctl` (up
//! to a redirection, pipe or `&&`; after a leading `mkdir -p DIR &&`) and it sets each
//! `VAR=value` the example sets, and it runs where the example says: in the repository root,
//! or in a sandboxed copy of a fixture standing for it (see `Case::from_root`). A word with a
//! `$` in it is a value the reader supplies (`"$KEY"`), so it matches any argument.

mod common;

use std::fs;

use common::bin;

/// One command line as a test case runs it.
#[derive(Debug)]
struct Case {
    file: String,
    args: Vec<String>,
    env: Env,
    /// Whether it runs where an example runs: in the repository root (no `fs.cwd`, or
    /// `fs.cwd = "../.."`), in a frozen copy of the root's files for the server the examples
    /// name ([`ROOT_COPIES`]), or in a sandboxed copy of a fixture that stands for the root
    /// (`fs.sandbox = true`: an example that writes, or that runs after one that did). A
    /// read-only case in some other fixture directory proves nothing about running as written.
    from_root: bool,
}

/// Case directories that are copies of the repository root's files (the asana server, its
/// sources row and the policy), frozen so that the examples naming asana keep their exact
/// output while the catalog changes (tests/cmd.rs): a case there runs as the example does.
const ROOT_COPIES: [&str; 1] = ["example-asana"];

/// One example: where it is, its line, and whether it is marked as needing something.
#[derive(Debug)]
struct Example {
    place: String,
    line: String,
    marked: bool,
}

/// The `args` and `env.add` of every tests/cmd/*.toml.
fn cases() -> Vec<Case> {
    let dir = common::repo().join("tests/cmd");
    let mut cases = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let in_dir = path.with_extension("in").exists();
        let (mut cwd, mut sandbox) = (None, false);
        let mut case = Case { file, args: Vec::new(), env: Vec::new(), from_root: false };
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("fs.cwd = ").or_else(|| line.strip_prefix("fs.base = ")) {
                cwd = Some(serde_json::from_str::<String>(v).unwrap());
            }
            sandbox |= line == "fs.sandbox = true";
            if let Some(array) = line.strip_prefix("args = ") {
                case.args = serde_json::from_str(array).unwrap_or_else(|e| panic!("{}: args: {e}", case.file));
            } else if let Some((name, value)) = line.strip_prefix("env.add.").and_then(|l| l.split_once(" = ")) {
                case.env.push((name.to_string(), serde_json::from_str(value).unwrap()));
            }
        }
        case.from_root = sandbox || (!in_dir && cwd.is_none_or(|c| c == "../.." || ROOT_COPIES.contains(&c.as_str())));
        cases.push(case);
    }
    cases
}

/// Variables a command line sets before the command: `(name, value)`.
type Env = Vec<(String, String)>;

/// The command's words and environment: `VAR=x registryctl a b > file  # c` gives
/// `(["a", "b"], [("VAR", "x")])`; `None` when the line does not run registryctl.
fn command(line: &str) -> Option<(Vec<String>, Env)> {
    let code = match line.find(" # ") {
        Some(i) => &line[..i],
        None => line,
    };
    let words = shlex::split(code.trim().trim_start_matches("$ "))?;
    let mut words = words.into_iter().peekable();
    // `mkdir -p DIR && registryctl …`: the directory the output goes to, made first.
    if words.peek().is_some_and(|w| w == "mkdir") {
        words.find(|w| w == "&&")?;
    }
    let mut env = Vec::new();
    while let Some((name, value)) = words
        .peek()
        .and_then(|w| w.split_once('='))
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
    {
        env.push((name.to_string(), value.to_string()));
        words.next();
    }
    if words.next().as_deref() != Some("registryctl") {
        return None;
    }
    let args = words.take_while(|w| !w.starts_with('>') && !matches!(w.as_str(), "|" | "&&" | ";" | "2>")).collect();
    Some((args, env))
}

fn matches(case: &Case, args: &[String], env: &[(String, String)]) -> bool {
    let same = |want: &str, got: &str| want.contains('$') || want == got;
    case.args.len() == args.len()
        && args.iter().zip(&case.args).all(|(w, g)| same(w, g))
        && env.iter().all(|(k, v)| case.env.iter().any(|(ck, cv)| ck == k && same(v, cv)))
}

/// The example lines of one `--help` text: the indented lines under an `Examples` heading. A
/// line of its own starting with `#` is a note on the example above it; a `mkdir -p DIR` line
/// makes the directory the example below it writes into.
fn help_examples(help: &str, place: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Example") {
            inside = true;
        } else if inside && line.trim_start().starts_with('#') {
            let example = out.last_mut().unwrap_or_else(|| panic!("{place}: a note before any example"));
            example.marked |= line.contains("# needs:");
        } else if inside && line.trim_start().starts_with("mkdir -p ") {
            // The directory the next example writes into, made first: setup, not an example.
        } else if inside && line.starts_with("  ") {
            assert!(line.len() <= 98, "{place}: `{line}` is wrapped in a 100-column terminal");
            out.push(Example { place: place.to_string(), line: line.trim().to_string(), marked: line.contains("# needs:") });
        } else {
            inside = false;
        }
    }
    out
}

fn help(args: &[&str]) -> String {
    String::from_utf8(bin().args(args).arg("--help").assert().success().get_output().stdout.clone()).unwrap()
}

/// Every `registryctl` line of a Markdown file's shell blocks, and of the README's subcommand
/// table's example column.
fn markdown_examples(name: &str) -> Vec<Example> {
    let text = fs::read_to_string(common::repo().join(name)).unwrap();
    let mut out = Vec::new();
    let mut shell = false;
    for (i, line) in text.lines().enumerate() {
        let place = format!("{name}:{}", i + 1);
        if let Some(info) = line.strip_prefix("```") {
            shell = !shell && matches!(info, "sh" | "bash" | "console" | "shell");
            continue;
        }
        let candidate = if shell {
            Some(line.to_string())
        } else if line.starts_with("| `") && line.ends_with("` |") {
            line.trim_end_matches(" |").rsplit(" | ").next().map(|c| c.trim_matches('`').to_string())
        } else {
            None
        };
        if let Some(l) = candidate.filter(|l| command(l).is_some()) {
            out.push(Example { place, marked: l.contains("# needs:"), line: l });
        }
    }
    out
}

/// The examples with no case, described for the failure message.
fn uncovered(examples: &[Example], cases: &[Case]) -> Vec<String> {
    examples
        .iter()
        .filter(|e| !e.marked)
        .filter(|e| {
            let (args, env) = command(&e.line).unwrap_or_else(|| panic!("{}: `{}` is not a registryctl command line", e.place, e.line));
            !cases.iter().any(|c| c.from_root && matches(c, &args, &env))
        })
        .map(|e| format!("{}: {}", e.place, e.line))
        .collect()
}

#[test]
fn every_help_example_has_a_case() {
    let cases = cases();
    let top = help(&[]);
    let mut examples = help_examples(&top, "registryctl --help");
    for sub in common::subcommands(&top) {
        let found = help_examples(&help(&[&sub]), &format!("registryctl {sub} --help"));
        assert!(!found.is_empty(), "`registryctl {sub} --help` shows no example");
        examples.extend(found);
    }
    let missing = uncovered(&examples, &cases);
    assert!(missing.is_empty(), "examples without a case in tests/cmd/ run from the root (or a `# needs:` note):\n{}", missing.join("\n"));
}

#[test]
fn every_readme_and_contributing_example_has_a_case_or_says_what_it_needs() {
    let cases = cases();
    let examples: Vec<Example> = ["README.md", "CONTRIBUTING.md"].iter().flat_map(|f| markdown_examples(f)).collect();
    assert!(examples.len() > 10, "{examples:?}");
    let missing = uncovered(&examples, &cases);
    assert!(missing.is_empty(), "examples without a case in tests/cmd/ run from the root (or a `# needs:` mark):\n{}", missing.join("\n"));
}

#[test]
fn examples_are_read_as_a_shell_would() {
    let (args, env) = command("GIG_INDEX_SIGNING_KEY=\"$KEY\" registryctl sign --in index.json   # needs: a key").unwrap();
    assert_eq!(
        (args, env),
        (vec!["sign".to_string(), "--in".into(), "index.json".into()], vec![("GIG_INDEX_SIGNING_KEY".to_string(), "$KEY".to_string())])
    );
    assert_eq!(command("registryctl build-args manifests/x >> \"$GITHUB_ENV\"").unwrap().0, ["build-args", "manifests/x"]);
    assert_eq!(command("registryctl man > registryctl.1 && man ./registryctl.1").unwrap().0, ["man"]);
    assert_eq!(command("mkdir -p ~/d && registryctl completions fish > ~/d/registryctl.fish").unwrap().0, ["completions", "fish"]);
    assert!(command("mkdir -p ~/d").is_none());
    assert!(command("cargo test --locked").is_none());
}

/// The directory `… > DIR/file` writes into, for a home-relative DIR.
fn redirect_dir(line: &str) -> Option<&str> {
    let target = line.split(" > ").nth(1)?.split_whitespace().next()?;
    target.starts_with('~').then(|| target.rsplit_once('/').map_or(target, |(dir, _)| dir))
}

#[test]
fn an_example_that_writes_under_home_makes_the_directory_first() {
    let mut lines: Vec<String> = help(&["completions"]).lines().map(|l| l.trim().to_string()).collect();
    lines.extend(fs::read_to_string(common::repo().join("README.md")).unwrap().lines().map(str::to_string));
    let mut made: Option<String> = None;
    let mut checked = 0;
    for line in &lines {
        let line = line.trim_start_matches("| ").rsplit(" | ").next().unwrap_or(line).trim_matches(|c| c == '`' || c == '|' || c == ' ');
        if let Some(rest) = line.strip_prefix("mkdir -p ") {
            made = rest.split_whitespace().next().map(str::to_string);
        }
        if let (Some(dir), true) = (redirect_dir(line), line.contains("registryctl ")) {
            assert_eq!(made.as_deref(), Some(dir), "`{line}` writes into {dir} without a `mkdir -p {dir}` first");
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked}");
}
