//! Reading a registry tree from disk and running the schema over it.
//!
//! Every file is read and parsed once; parsing and validation run in parallel across files
//! (rayon), and results are collected in path order so output never depends on thread count.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::schema::egress::Denylist;
use crate::schema::policy::{self, Policy};
use crate::schema::{self, diag, yaml, Diagnostic, Location, Manifest, ManifestContext, Rule};

/// An I/O failure: exit code 2, never a lint finding.
#[derive(Debug, thiserror::Error)]
#[error("{}: {what}: {source}", path.display())]
pub struct LoadError {
    pub path: PathBuf,
    pub what: &'static str,
    #[source]
    pub source: io::Error,
}

impl LoadError {
    pub fn new(path: &Path, what: &'static str, source: io::Error) -> LoadError {
        LoadError { path: path.to_path_buf(), what, source }
    }
}

/// A YAML file found at `<kind>/<dir>/<file>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub dir: String,
    pub file: String,
}

impl Found {
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    fn location(&self) -> Location<'_> {
        Location { dir: &self.dir, file: &self.file }
    }

    /// A single file named on the command line.
    pub fn from_file(path: &Path) -> Found {
        let name = |p: Option<&Path>| p.and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Found { path: path.to_path_buf(), dir: name(path.parent()), file: name(Some(path)) }
    }
}

fn file_diag(rule: Rule, path: &Path, msg: String) -> Diagnostic {
    let mut d = Diagnostic::new(rule, "", msg);
    d.file = path.display().to_string();
    d
}

/// Lists `<root>/<dir>/<version>.yaml` files in name order; anything else under `root` (links,
/// other extensions, wrong depth, special files) is a diagnostic, because skipping it silently
/// would let a reviewer believe it was checked.
pub fn walk(root: &Path) -> Result<(Vec<Found>, Vec<Diagnostic>), LoadError> {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let mut it = walkdir::WalkDir::new(root).follow_links(false).min_depth(1).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            LoadError {
                path,
                what: "cannot read directory",
                source: e.into_io_error().unwrap_or_else(|| io::Error::other("file system loop")),
            }
        })?;
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_symlink() {
            diags.push(file_diag(Rule::FileSymlink, path, "a symbolic link; the catalog holds regular files only".into()));
            continue;
        }
        match (entry.depth(), ft.is_dir(), ft.is_file()) {
            (1, true, _) => {}
            (2, false, true) => {
                let file = entry.file_name().to_string_lossy().into_owned();
                if file.ends_with(".yaml") {
                    let dir = path.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    found.push(Found { path: path.to_path_buf(), dir, file });
                } else {
                    diags.push(file_diag(Rule::FileExtension, path, format!("`{file}` is not a .yaml file and would not be read")));
                }
            }
            (_, true, _) => {
                it.skip_current_dir();
                diags.push(file_diag(
                    Rule::FileLocation,
                    path,
                    "a directory at the wrong depth; files live at <name>/<version>.yaml".into(),
                ));
            }
            (_, false, true) => {
                diags.push(file_diag(Rule::FileLocation, path, "a file at the wrong depth; files live at <name>/<version>.yaml".into()))
            }
            _ => diags.push(file_diag(Rule::FileNotRegular, path, "not a regular file".into())),
        }
    }
    Ok((found, diags))
}

/// Lists the files a path names: every file under a directory, or the one file given.
pub fn targets(path: &Path) -> Result<(Vec<Found>, Vec<Diagnostic>), LoadError> {
    let meta = fs::symlink_metadata(path).map_err(|e| LoadError::new(path, "cannot read", e))?;
    if meta.is_dir() {
        return walk(path);
    }
    if meta.file_type().is_symlink() {
        return Ok((Vec::new(), vec![file_diag(Rule::FileSymlink, path, "a symbolic link; the catalog holds regular files only".into())]));
    }
    if !meta.is_file() {
        return Ok((Vec::new(), vec![file_diag(Rule::FileNotRegular, path, "not a regular file".into())]));
    }
    if !path.to_string_lossy().ends_with(".yaml") {
        return Ok((Vec::new(), vec![file_diag(Rule::FileExtension, path, "not a .yaml file".into())]));
    }
    Ok((vec![Found::from_file(path)], Vec::new()))
}

/// Reads a file's text: at most [`yaml::MAX_FILE_BYTES`] are read, UTF-8 is required.
pub fn read_text(path: &Path) -> Result<Result<String, Diagnostic>, LoadError> {
    let file = fs::File::open(path).map_err(|e| LoadError::new(path, "cannot open", e))?;
    // Sized from the file's length, so a file is read in one call rather than in growing chunks.
    let len = file.metadata().map_or(0, |m| m.len() as usize).min(yaml::MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(len + 1);
    file.take(yaml::MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| LoadError::new(path, "cannot read", e))?;
    let fail = |mut d: Diagnostic| {
        d.file = path.display().to_string();
        Ok(Err(d))
    };
    if bytes.len() > yaml::MAX_FILE_BYTES {
        let size = fs::metadata(path).map(|m| m.len()).unwrap_or(bytes.len() as u64);
        return fail(Diagnostic::new(
            Rule::FileTooLarge,
            "",
            format!("the file is {size} bytes; at most {} are accepted", yaml::MAX_FILE_BYTES),
        ));
    }
    match schema::decode_owned(bytes) {
        Ok(text) => Ok(Ok(text)),
        Err(d) => fail(d),
    }
}

/// Diagnostics plus the text of each file that has any, for rendering excerpts.
#[derive(Debug, Default)]
pub struct Report {
    pub diags: Vec<Diagnostic>,
    pub sources: HashMap<String, String>,
}

impl Report {
    /// Adds a file's diagnostics (their `file` is set when empty) and keeps its text for excerpts.
    pub fn add(&mut self, file: &str, text: Option<String>, diags: Vec<Diagnostic>) {
        if diags.is_empty() {
            return;
        }
        if let Some(t) = text {
            self.sources.insert(file.to_string(), t);
        }
        self.diags.extend(diags.into_iter().map(|mut d| {
            if d.file.is_empty() {
                d.file = file.to_string();
            }
            d
        }));
    }

    /// Moves the diagnostics `keep` selects, with their files' text, from another report.
    pub fn absorb(&mut self, other: Report, keep: impl Fn(&Diagnostic) -> bool) {
        for d in other.diags.into_iter().filter(|d| keep(d)) {
            if let Some(t) = other.sources.get(&d.file) {
                self.sources.entry(d.file.clone()).or_insert_with(|| t.clone());
            }
            self.diags.push(d);
        }
    }

    /// Sorts into the stable output order.
    pub fn finish(&mut self) {
        diag::sort(&mut self.diags);
    }

    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.severity == schema::Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }

    pub fn files(&self) -> usize {
        self.diags.iter().map(|d| d.file.as_str()).collect::<BTreeSet<_>>().len()
    }
}

/// One checked manifest.
#[derive(Debug)]
pub struct CheckedManifest {
    pub found: Found,
    /// `None` when the file could not be read or parsed at all.
    pub manifest: Option<Manifest>,
}

/// What the manifest checks need from the repository around them.
#[derive(Debug, Default)]
pub struct Setup {
    pub policy: Policy,
    pub builders_with_dockerfile: Option<Vec<String>>,
    /// `(name, file)` pairs of toolspecs present, when toolpack manifests must have one.
    pub toolspecs_present: Option<HashSet<(String, String)>>,
}

fn read_or_report<T>(f: &Found, report: impl FnOnce(Diagnostic) -> T, parse: impl FnOnce(String) -> T) -> Result<T, LoadError> {
    Ok(match read_text(&f.path)? {
        Ok(text) => parse(text),
        Err(d) => report(d),
    })
}

/// What checking one file produced: its value, its diagnostics, and its text when there are
/// diagnostics to show excerpts of.
struct FileResult<T> {
    value: T,
    text: Option<String>,
    diags: Vec<Diagnostic>,
}

impl<T> FileResult<T> {
    fn new(value: T, text: String, diags: Vec<Diagnostic>) -> FileResult<T> {
        let text = (!diags.is_empty()).then_some(text);
        FileResult { value, text, diags }
    }

    fn unreadable(value: T, diag: Diagnostic) -> FileResult<T> {
        FileResult { value, text: None, diags: vec![diag] }
    }
}

/// Checks manifests in parallel. Returns them in input order, plus the exceptions used.
pub fn check_manifests(files: &[Found], setup: &Setup, report: &mut Report) -> Result<(Vec<CheckedManifest>, BTreeSet<usize>), LoadError> {
    let ctx_builders = setup.builders_with_dockerfile.as_deref();
    let results: Vec<FileResult<(CheckedManifest, Vec<usize>)>> = files
        .par_iter()
        .map(|f| {
            read_or_report(
                f,
                |d| FileResult::unreadable((CheckedManifest { found: f.clone(), manifest: None }, Vec::new()), d),
                |text| {
                    let ctx = ManifestContext {
                        builders_with_dockerfile: ctx_builders,
                        toolspec_exists: setup.toolspecs_present.as_ref().map(|set| set.contains(&(f.dir.clone(), f.file.clone()))),
                    };
                    let c = schema::check_manifest(&text, Some(f.location()), &setup.policy, &ctx);
                    FileResult::new((CheckedManifest { found: f.clone(), manifest: c.manifest }, c.exceptions_used), text, c.diags)
                },
            )
        })
        .collect::<Result<_, _>>()?;
    let mut used = BTreeSet::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        let (checked, exceptions) = r.value;
        report.add(&checked.found.display(), r.text, r.diags);
        used.extend(exceptions);
        out.push(checked);
    }
    Ok((out, used))
}

/// Checks toolspecs in parallel, each paired with its already-parsed manifest. The parsed
/// toolspecs are not kept: nothing after the check needs them.
pub fn check_toolspecs(files: &[Found], manifests: &[CheckedManifest], report: &mut Report) -> Result<(), LoadError> {
    let by_key: HashMap<(&str, &str), &Manifest> =
        manifests.iter().filter_map(|c| c.manifest.as_ref()).map(|m| ((m.name.as_str(), m.version.as_str()), m)).collect();
    let results: Vec<FileResult<()>> = files
        .par_iter()
        .map(|f| {
            read_or_report(
                f,
                |d| FileResult::unreadable((), d),
                |text| {
                    let (_, diags) = schema::check_toolspec(&text, Some(f.location()), |n, v| by_key.get(&(n, v)).copied());
                    FileResult::new((), text, diags)
                },
            )
        })
        .collect::<Result<_, _>>()?;
    for (f, r) in files.iter().zip(results) {
        report.add(&f.display(), r.text, r.diags);
    }
    Ok(())
}

/// Reports a second declaration of the same name@version.
pub fn check_duplicates(manifests: &[CheckedManifest], report: &mut Report) -> Result<(), LoadError> {
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    for c in manifests {
        let Some(m) = &c.manifest else { continue };
        let file = c.found.path.to_str().unwrap_or_default();
        if let Some(first) = seen.insert((&m.name, &m.version), file) {
            let mut d =
                vec![Diagnostic::new(Rule::IndexDuplicate, "version", format!("{}@{} is also declared in {first}", m.name, m.version))];
            let text = read_text(&c.found.path)?.ok();
            if let Some(t) = &text {
                schema::locate_late(t, &mut d);
            }
            report.add(&c.found.display(), text, d);
        }
    }
    Ok(())
}

/// Where the denylist comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenylistChoice {
    /// `--denylist FILE`.
    File(PathBuf),
    /// `--no-denylist`: built-in reserved names only.
    None,
    /// The registry's own `denylist/exfil-domains.txt`, if there is one.
    Repository,
}

/// The registry root a manifests directory belongs to: its parent. The current directory is
/// the empty path, so joined paths print as `manifests/…`, not `./manifests/…`.
pub fn root_of(manifests_dir: &Path) -> PathBuf {
    manifests_dir.parent().map(normalize_root).unwrap_or_default()
}

/// `.` and the empty path both mean the current directory; use the empty path.
pub fn normalize_root(root: &Path) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::new()
    } else {
        root.to_path_buf()
    }
}

pub const DENYLIST_PATH: &str = "denylist/exfil-domains.txt";
pub const EXCEPTIONS_PATH: &str = "policy/exceptions.yaml";

/// Builds the policy: denylist and reviewed exceptions. Notes for the user (which denylist is in
/// use) are returned, not printed.
pub fn load_policy(root: &Path, choice: &DenylistChoice, report: &mut Report) -> Result<(Policy, Vec<String>), LoadError> {
    let mut notes = Vec::new();
    let denylist_path = match choice {
        DenylistChoice::File(p) => Some(p.clone()),
        DenylistChoice::None => None,
        DenylistChoice::Repository => {
            let p = root.join(DENYLIST_PATH);
            p.is_file().then_some(p)
        }
    };
    let denylist = match &denylist_path {
        Some(p) => {
            let text = fs::read_to_string(p).map_err(|e| LoadError::new(p, "cannot read denylist", e))?;
            let d = Denylist::parse(&text);
            notes.push(format!("using denylist {} ({} domain(s))", p.display(), d.len()));
            d
        }
        None => {
            notes.push("no denylist file: only the built-in reserved names are checked".into());
            Denylist::default()
        }
    };
    let today = policy::today();
    let exceptions_path = root.join(EXCEPTIONS_PATH);
    let exceptions = if exceptions_path.is_file() {
        match read_text(&exceptions_path)? {
            Ok(text) => {
                let (ex, diags) = policy::parse_exceptions(&text, &today);
                report.add(&exceptions_path.display().to_string(), Some(text), diags);
                ex
            }
            Err(d) => {
                report.add(&exceptions_path.display().to_string(), None, vec![d]);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    Ok((Policy { denylist, exceptions, today }, notes))
}

/// Reports exceptions no manifest needed.
pub fn report_unused_exceptions(root: &Path, policy: &Policy, used: &BTreeSet<usize>, report: &mut Report) {
    let path = root.join(EXCEPTIONS_PATH).display().to_string();
    let mut diags: Vec<Diagnostic> = policy
        .exceptions
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(i, e)| {
            Diagnostic::new(
                Rule::PolicyExceptionUnused,
                format!("exceptions[{i}]"),
                format!("no manifest of `{}` needs the exception for `{}`", e.server, e.egress),
            )
        })
        .collect();
    if diags.is_empty() {
        return;
    }
    let text = report.sources.get(&path).cloned().or_else(|| fs::read_to_string(root.join(EXCEPTIONS_PATH)).ok());
    if let Some(t) = &text {
        schema::locate_late(t, &mut diags);
    }
    report.add(&path, text, diags);
}

/// Builders with an `images/<builder>/Dockerfile`, when `root` is a registry checkout.
pub fn builders_with_dockerfile(root: &Path) -> Option<Vec<String>> {
    let images = root.join("images");
    images
        .is_dir()
        .then(|| schema::manifest::BUILDERS.iter().filter(|b| images.join(b).join("Dockerfile").is_file()).map(|b| b.to_string()).collect())
}

/// Names listed in `catalog/no-public-api.txt`.
pub fn no_public_api(root: &Path) -> Result<HashSet<String>, LoadError> {
    let p = root.join("catalog/no-public-api.txt");
    if !p.exists() {
        return Ok(HashSet::new());
    }
    let text = fs::read_to_string(&p).map_err(|e| LoadError::new(&p, "cannot read", e))?;
    Ok(text.lines().map(|l| l.split('#').next().unwrap_or_default().trim().to_string()).filter(|l| !l.is_empty()).collect())
}

/// Whether a write may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Replace,
    Refuse,
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so an
/// interrupted run leaves the previous file or the new one, never a truncated one. `mode` is set
/// on the temporary file before any byte is written (0600 for secret keys).
///
/// An existing special file (a pipe, `/dev/stdout`, `/dev/full`) is written in place: renaming
/// over it would replace the device instead of writing to it.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>, overwrite: Overwrite) -> Result<(), LoadError> {
    write_atomic_with(path, mode, overwrite, |w| w.write_all(bytes))
}

/// [`write_atomic`] for content produced by a writer function, through a buffer, so large
/// output (the index) is streamed to disk instead of held in memory.
pub fn write_atomic_with(
    path: &Path,
    mode: Option<u32>,
    overwrite: Overwrite,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), LoadError> {
    use std::io::{BufWriter, Write};
    let buffered = |file: &mut fs::File| -> std::io::Result<()> {
        let mut w = BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush()
    };
    if let Ok(meta) = fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() && overwrite == Overwrite::Replace {
            let mut f = fs::OpenOptions::new().write(true).open(path).map_err(|e| LoadError::new(path, "cannot open", e))?;
            return buffered(&mut f).map_err(|e| LoadError::new(path, "cannot write", e));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp =
        tempfile::Builder::new().prefix(".registryctl-").tempfile_in(dir).map_err(|e| LoadError::new(dir, "cannot create a file in", e))?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| LoadError::new(path, "cannot set permissions on", e))?;
    }
    buffered(tmp.as_file_mut()).and_then(|_| tmp.as_file().sync_all()).map_err(|e| LoadError::new(path, "cannot write", e))?;
    match overwrite {
        Overwrite::Replace => tmp.persist(path).map(drop).map_err(|e| LoadError::new(path, "cannot replace", e.error)),
        Overwrite::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| LoadError::new(path, "refusing to overwrite", e.error)),
    }
}
