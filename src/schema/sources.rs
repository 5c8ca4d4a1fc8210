// SPDX-License-Identifier: Apache-2.0
//! `catalog/sources.tsv`: where each server's API facts come from, one TAB-separated row per
//! server (server, kind, where, checked, verified tools, unverifiable tools, notes; `#` starts a
//! comment line). [`parse`] reads the rows and checks each on its own; [`check`] holds them
//! against the catalog: one row per server, the kind fits whether it has a toolspec, and the two
//! tool columns together list exactly its toolspec's tools. Text in, findings out; the registry
//! pipeline reads the file from the checked tree (it is catalog data, not policy).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::chars::visible;
use super::closed::{comma_list, ClosedSet, SourceKind};
use super::patterns::{DATE, SOURCE_IN_REPO, TOOL_NAME};
use super::rules::egress::check_host;
use super::rules::placeholder;
use crate::diag::{Diagnostic, Rule};
use crate::field::FieldPath;
use crate::span::{Pos, Span};

/// The file, under the registry root.
pub const PATH: &str = "catalog/sources.tsv";

/// The most bytes read: about 50,000 rows of today's length, twice the servers one signed index
/// can hold.
pub const MAX_BYTES: usize = 32 << 20;

/// The columns, in order.
pub const COLUMNS: [&str; 7] = ["server", "kind", "where", "checked", "verified", "unverifiable", "notes"];

/// One field of a row and where it is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The text between the TABs.
    pub text: &'a str,
    /// Its byte offset in the file.
    pub offset: usize,
}

/// One server's row. It borrows its line from the file's text and keeps where the TABs are,
/// so a file of many rows is held once, not again as a string per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    /// The 1-based line.
    pub line: usize,
    /// The byte offset where the line starts.
    pub offset: usize,
    /// The kind, when it is one of the set.
    pub kind: Option<SourceKind>,
    /// The line, without its newline.
    text: &'a str,
    /// The byte offsets in `text` of its six TABs.
    tabs: [usize; 6],
}

impl<'a> Row<'a> {
    /// The server's name.
    pub fn server(&self) -> &'a str {
        self.field(0).text
    }

    /// The seven fields, in [`COLUMNS`] order.
    pub fn fields(&self) -> [Field<'a>; 7] {
        std::array::from_fn(|column| self.field(column))
    }

    fn field(&self, column: usize) -> Field<'a> {
        let start = if column == 0 { 0 } else { self.tabs[column - 1] + 1 };
        let end = self.tabs.get(column).copied().unwrap_or(self.text.len());
        Field { text: &self.text[start..end], offset: self.offset + start }
    }

    /// A finding about one column, spanning its text.
    fn finding(&self, text: &str, rule: Rule, column: usize, message: String) -> Diagnostic {
        let f = self.field(column);
        self.finding_at(text, rule, column, f.offset, f.offset + f.text.len(), message)
    }

    /// The `scaffold-placeholder` finding for a column still holding `registryctl new`'s TODO
    /// marker.
    fn marker(&self, text: &str, column: usize) -> Diagnostic {
        let f = self.field(column);
        let path = FieldPath::root().key(self.server().to_string()).key(COLUMNS[column]);
        placeholder::finding(path, f.text).with_span(Span { start: pos(text, f.offset), end: pos(text, f.offset + f.text.len()) })
    }

    /// Whether a column still holds a TODO marker.
    fn is_marked(&self, column: usize) -> bool {
        placeholder::is_marker(self.field(column).text)
    }

    /// A finding about part of one column (one tool of a list).
    fn finding_at(&self, text: &str, rule: Rule, column: usize, start: usize, end: usize, message: String) -> Diagnostic {
        let path = FieldPath::root().key(self.server().to_string()).key(COLUMNS[column]);
        Diagnostic::new(rule, path, message).with_span(Span { start: pos(text, start), end: pos(text, end) })
    }
}

/// What the catalog knows about one server (a directory under `manifests/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Server {
    /// Its toolspec, when it has one: the file (for messages) and its tools, `None` when the
    /// toolspec could not be read (its own findings say why).
    pub toolspec: Option<(String, Option<Vec<String>>)>,
}

/// A 1-based line and column (in characters) of a byte offset.
fn pos(text: &str, offset: usize) -> Pos {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos { offset, line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
}

/// Reads the rows and checks each on its own: seven fields, a known kind, a well-formed where,
/// a checked date that is a real day no later than `today` (YYYY-MM-DD), tool lists of tool
/// names or `-`, notes, one row per server. Findings carry spans.
pub fn parse<'a>(text: &'a str, today: &str) -> (Vec<Row<'a>>, Vec<Diagnostic>) {
    let mut rows: Vec<Row<'a>> = Vec::new();
    let mut out = Vec::new();
    let mut first_line: HashMap<&'a str, usize> = HashMap::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(row) = split_row(text, line, i + 1, start, &mut out) else { continue };
        if let Some(first) = first_line.get(row.server()) {
            let msg = format!("a second row for `{}` (the first is on line {first})", row.server());
            out.push(row.finding(text, Rule::SourcesRow, 0, msg));
            continue;
        }
        first_line.insert(row.server(), row.line);
        row_rules(text, &row, today, &mut out);
        rows.push(row);
    }
    (rows, out)
}

/// Splits one line into its seven fields; reports a line that is not seven fields, has an empty
/// server or notes, or holds a control character.
fn split_row<'a>(text: &str, line: &'a str, number: usize, start: usize, out: &mut Vec<Diagnostic>) -> Option<Row<'a>> {
    let whole = |msg: String| {
        let span = Span { start: pos(text, start), end: pos(text, start + line.len()) };
        Diagnostic::new(Rule::SourcesRow, FieldPath::root(), msg).with_span(span)
    };
    let mut tabs = [0; 6];
    let mut fields = 1;
    for (i, _) in line.match_indices('\t') {
        if let Some(tab) = tabs.get_mut(fields - 1) {
            *tab = i;
        }
        fields += 1;
    }
    if fields != COLUMNS.len() {
        out.push(whole(format!("line {number} has {fields} TAB-separated fields; a row has {}: {}", COLUMNS.len(), COLUMNS.join(", "))));
        return None;
    }
    if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
        out.push(whole(format!("line {number} holds the control character {}", c.escape_unicode())));
        return None;
    }
    let mut row = Row { line: number, offset: start, kind: None, text: line, tabs };
    row.kind = SourceKind::from_wire(row.field(1).text);
    if row.server().is_empty() {
        out.push(whole(format!("line {number} names no server")));
        return None;
    }
    if row.field(6).text.trim().is_empty() {
        out.push(row.finding(text, Rule::SourcesRow, 6, format!("the row for `{}` has no notes", row.server())));
    }
    if row.is_marked(6) {
        out.push(row.marker(text, 6));
    }
    Some(row)
}

/// One row's own fields: kind, where, checked, and the shape of the tool lists. A column still
/// holding `registryctl new`'s TODO marker is reported as that, and nothing else.
fn row_rules(text: &str, row: &Row<'_>, today: &str, out: &mut Vec<Diagnostic>) {
    let marked: Vec<usize> = (1..=5).filter(|&c| row.is_marked(c)).collect();
    out.extend(marked.iter().map(|&c| row.marker(text, c)));
    let kind = row.field(1).text;
    if row.kind.is_none() && !marked.contains(&1) {
        out.push(row.finding(text, Rule::SourcesKind, 1, format!("kind `{kind}` is not one of {}", comma_list::<SourceKind>())));
    }
    let place = row.field(2).text;
    let where_ok = match row.kind {
        Some(SourceKind::NoToolspec) => place == "-",
        Some(_) => place != "-" && (SOURCE_IN_REPO.is_match(place) && !place.split(['/', ':']).any(|s| s == "..") || is_url(place)),
        None => true,
    };
    if !where_ok && !marked.contains(&2) {
        let msg = if row.kind == Some(SourceKind::NoToolspec) {
            format!("where is `{place}`; a no-toolspec row cites no source: write -")
        } else {
            format!("where `{place}` is neither an https:// URL nor owner/repo@<40-hex commit>:path")
        };
        out.push(row.finding(text, Rule::SourcesWhere, 2, msg));
    }
    let checked = row.field(3).text;
    let checked_finding = if marked.contains(&3) {
        None
    } else if !is_date(checked) {
        Some(format!("checked `{checked}` is not a YYYY-MM-DD date"))
    } else if checked > today {
        Some(format!("checked {checked} is in the future (today is {today})"))
    } else {
        None
    };
    out.extend(checked_finding.map(|msg| row.finding(text, Rule::SourcesChecked, 3, msg)));
    for column in [4, 5].into_iter().filter(|c| !marked.contains(c)) {
        for (item, start, end) in items(row.field(column)) {
            if !TOOL_NAME.is_match(item) {
                let msg = format!("`{item}` is not a tool name; list tool names separated by commas without spaces, or write -");
                out.push(row.finding_at(text, Rule::SourcesTools, column, start, end, msg));
            }
        }
    }
}

/// The comma-separated items of a tool column with their byte ranges; none for `-`.
fn items(f: Field<'_>) -> Vec<(&str, usize, usize)> {
    if f.text == "-" {
        return Vec::new();
    }
    let mut at = f.offset;
    f.text
        .split(',')
        .map(|item| {
            let range = (item, at, at + item.len());
            at += item.len() + 1;
            range
        })
        .collect()
}

/// An `https://` URL whose host is a lowercase host name, without whitespace.
fn is_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    check_host(host).is_ok() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A YYYY-MM-DD date that names a real day.
fn is_date(s: &str) -> bool {
    if !DATE.is_match(s) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

/// The first lines of a `catalog/sources.tsv` that `registryctl new` creates.
pub const HEADER: &str = "# Where each server's API facts come from: one row per server in manifests/, TAB-separated.\n\
# Columns: server, kind, where, checked, verified tools, unverifiable tools, notes.\n";

/// `text` with `row` (one line, starting with its server's name and a TAB) inserted in name
/// order, before the first row of a later name (after any comment lines above it); `None` when
/// the file already has a row for that server.
pub fn insert_row(text: &str, row: &str) -> Option<String> {
    let name = row.split('\t').next().unwrap_or(row);
    let mut at = text.len();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let server = line.trim_end_matches('\n').split('\t').next().unwrap_or_default();
        let is_row = !line.trim().is_empty() && !line.starts_with('#');
        if is_row && server == name {
            return None;
        }
        if is_row && server > name && at == text.len() {
            at = offset;
        }
        offset += line.len();
    }
    let mut out = String::with_capacity(text.len() + row.len() + 2);
    out.push_str(&text[..at]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(row.trim_end_matches('\n'));
    out.push('\n');
    out.push_str(&text[at..]);
    Some(out)
}

/// Holds the rows against the catalog: every server has a row, every row names a server, the
/// kind is no-toolspec exactly for servers without a toolspec, and the verified and
/// unverifiable columns together list each of the toolspec's tools exactly once.
pub fn check(text: &str, rows: &[Row<'_>], servers: &BTreeMap<String, Server>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let by_name: HashMap<&str, &Row<'_>> = rows.iter().map(|r| (r.server(), r)).collect();
    for (name, server) in servers {
        match by_name.get(name.as_str()) {
            None => out.push(missing_row(text, rows, name, server)),
            Some(row) => server_rules(text, row, server, &mut out),
        }
    }
    for row in rows.iter().filter(|r| !servers.contains_key(r.server())) {
        let msg = format!("there is no server `{}` (no manifests/{}/)", row.server(), row.server());
        out.push(row.finding(text, Rule::SourcesUnknownServer, 0, msg));
    }
    out
}

/// The finding for a server without a row, pointing where its row belongs in name order.
fn missing_row(text: &str, rows: &[Row<'_>], name: &str, server: &Server) -> Diagnostic {
    let at = rows.iter().find(|r| r.server() > name).map_or(text.len(), |r| r.offset);
    let what = if server.toolspec.is_some() { "a toolspec server" } else { "a server without a toolspec (kind no-toolspec)" };
    let msg = format!("`{name}`, {what}, has no row: say where its API facts come from");
    Diagnostic::new(Rule::SourcesMissing, FieldPath::root().key(name.to_string()), msg).with_span(Span::point(pos(text, at)))
}

/// One server's row against what the catalog holds for it.
fn server_rules(text: &str, row: &Row<'_>, server: &Server, out: &mut Vec<Diagnostic>) {
    let name = row.server();
    match (&server.toolspec, row.kind) {
        (Some((file, _)), Some(SourceKind::NoToolspec)) => {
            let msg = format!("kind no-toolspec, but `{name}` has {file}: write the kind of source it was checked against");
            out.push(row.finding(text, Rule::SourcesKind, 1, msg));
        }
        (None, Some(kind)) if kind != SourceKind::NoToolspec => {
            let msg = format!("kind {kind}, but `{name}` has no toolspec: write no-toolspec and say why in the notes");
            out.push(row.finding(text, Rule::SourcesKind, 1, msg));
        }
        _ => {}
    }
    if row.is_marked(4) || row.is_marked(5) {
        return; // the tools are still to be listed: the markers are the findings
    }
    match &server.toolspec {
        Some((file, Some(tools))) => tool_columns(text, row, tools, file, out),
        Some((_, None)) => {}
        None => {
            for column in [4, 5].into_iter().filter(|&c| row.field(c).text != "-") {
                let msg = format!("`{name}` has no toolspec, so it has no tools to verify: write -");
                out.push(row.finding(text, Rule::SourcesTools, column, msg));
            }
        }
    }
}

/// The verified and unverifiable columns list each of `tools` exactly once, and nothing else.
fn tool_columns(text: &str, row: &Row<'_>, tools: &[String], file: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for column in [4, 5] {
        for (item, start, end) in items(row.field(column)) {
            let msg = if !TOOL_NAME.is_match(item) {
                continue; // reported by parse
            } else if !tools.iter().any(|t| visible(t) == item) {
                format!("`{item}` is not a tool of {file}")
            } else if let Some(first) = seen.insert(item, column) {
                format!("`{item}` is listed again (already under {}): each tool is verified or unverifiable, once", COLUMNS[first])
            } else {
                continue;
            };
            out.push(row.finding_at(text, Rule::SourcesTools, column, start, end, msg));
        }
    }
    let mut missing: Vec<Cow<'_, str>> = tools.iter().map(|t| visible(t)).filter(|t| !seen.contains_key(t.as_ref())).collect();
    missing.dedup(); // a toolspec that lists a tool twice has its own finding
    if !missing.is_empty() {
        let msg = format!("{} of {file} in neither tool column: {}", plural(missing.len()), missing.join(", "));
        out.push(row.finding(text, Rule::SourcesTools, 4, msg));
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 tool".into()
    } else {
        format!("{n} tools")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "# comment\n";

    fn rules(d: &[Diagnostic]) -> Vec<(Rule, usize, usize)> {
        d.iter().map(|d| (d.rule, d.line(), d.column())).collect()
    }

    #[test]
    fn dates_are_real_days() {
        for ok in ["2026-12-01", "2024-02-29", "2000-02-29", "2026-01-31"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "26-12-01", "2026-12-1"] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn rows_are_checked_on_their_own_at_their_place() {
        let text = format!(
            "{HEAD}acme\topenapi\tacme/spec@{}:openapi.yaml\t2026-12-01\tlist,get\t-\tnotes\n\
             beta\tblog\thttp://x\t2026-12-32\tlist items\t-\t\n\
             gamma\tno-toolspec\t-\t2027-01-01\t-\t-\twhy\n\
             short\trow\n\
             acme\tdocs\thttps://acme.example.com/docs\t2026-01-01\t-\t-\tagain\n",
            "a".repeat(40)
        );
        let (rows, d) = parse(&text, "2026-12-01");
        assert_eq!(rows.iter().map(Row::server).collect::<Vec<_>>(), ["acme", "beta", "gamma"]);
        assert_eq!(
            rules(&d),
            [
                (Rule::SourcesRow, 3, 44),
                (Rule::SourcesKind, 3, 6),
                (Rule::SourcesChecked, 3, 20),
                (Rule::SourcesTools, 3, 31),
                (Rule::SourcesChecked, 4, 21),
                (Rule::SourcesRow, 5, 1),
                (Rule::SourcesRow, 6, 1),
            ]
        );
        assert!(d[4].message.contains("in the future"));
        assert!(d[6].message.contains("the first is on line 2"));
    }

    #[test]
    fn a_row_borrows_its_fields_at_their_offsets() {
        let text = format!("{HEAD}acme\tdocs\thttps://acme.example.com\t2026-01-01\tlist,get\t-\tnotes\n");
        let (rows, d) = parse(&text, "2026-12-01");
        assert!(d.is_empty(), "{d:?}");
        let fields = rows[0].fields();
        assert_eq!(fields.map(|f| f.text), ["acme", "docs", "https://acme.example.com", "2026-01-01", "list,get", "-", "notes"]);
        for f in fields {
            assert_eq!(&text[f.offset..f.offset + f.text.len()], f.text);
        }
        assert_eq!((rows[0].line, rows[0].offset, rows[0].kind), (2, HEAD.len(), Some(SourceKind::Docs)));
    }

    #[test]
    fn where_fits_the_kind() {
        let row = |kind: &str, place: &str| format!("acme\t{kind}\t{place}\t2026-01-01\t-\t-\tn\n");
        let sha = "0123456789abcdef0123456789abcdef01234567";
        for (kind, place) in [
            ("openapi", format!("acme/spec@{sha}:defs/openapi.yaml")),
            ("sdk", format!("acme-inc/sdk.py@{sha}:src/Web Client/api.py")),
            ("docs", "https://docs.acme.com/api/v2?x=1#y".to_string()),
            ("no-toolspec", "-".to_string()),
        ] {
            assert!(parse(&row(kind, &place), "2026-12-01").1.is_empty(), "{kind} {place}");
        }
        for (kind, place) in [
            ("openapi", "-".to_string()),
            ("openapi", format!("acme/spec@{}:x", &sha[..39])),
            ("openapi", format!("acme/spec@{sha}:/abs")),
            ("openapi", format!("acme/spec@{sha}:../x")),
            ("sdk", "http://acme.com".to_string()),
            ("docs", "https://acme.com/a b".to_string()),
            ("docs", "https://localhost/x".to_string()),
            ("no-toolspec", "https://acme.com".to_string()),
        ] {
            assert_eq!(rules(&parse(&row(kind, &place), "2026-12-01").1), [(Rule::SourcesWhere, 1, 14 + kind.len() - 7)], "{kind} {place}");
        }
    }

    #[test]
    fn a_row_is_inserted_in_name_order_once() {
        let text = "# head\nalpha\tx\nmid\ty\n# note\nzulu\tz\n";
        assert_eq!(insert_row(text, "beta\tb").unwrap(), "# head\nalpha\tx\nbeta\tb\nmid\ty\n# note\nzulu\tz\n");
        assert_eq!(insert_row(text, "zz\tb").unwrap(), format!("{text}zz\tb\n"));
        assert_eq!(insert_row(text, "aa\tb").unwrap(), "# head\naa\tb\nalpha\tx\nmid\ty\n# note\nzulu\tz\n");
        assert_eq!(insert_row("alpha\tx", "beta\tb").unwrap(), "alpha\tx\nbeta\tb\n");
        assert_eq!(insert_row("", "beta\tb").unwrap(), "beta\tb\n");
        assert_eq!(insert_row(text, "mid\tb"), None);
    }

    #[test]
    fn a_scaffold_marker_is_reported_as_one_and_nothing_else() {
        let text = "acme\tTODO openapi, sdk or docs\tTODO a URL\tTODO YYYY-MM-DD\tTODO tools\t-\tTODO notes\n\
                    beta\tno-toolspec\t-\t2026-01-01\t-\t-\tTODO why\n";
        let (rows, mut d) = parse(text, "2026-12-01");
        let servers: BTreeMap<String, Server> = [
            ("acme".to_string(), Server { toolspec: Some(("toolspecs/acme/0.1.0.yaml".into(), Some(vec!["list".into()]))) }),
            ("beta".to_string(), Server::default()),
        ]
        .into();
        d.extend(check(text, &rows, &servers));
        assert_eq!(
            rules(&d),
            [
                (Rule::ScaffoldPlaceholder, 1, 72),
                (Rule::ScaffoldPlaceholder, 1, 6),
                (Rule::ScaffoldPlaceholder, 1, 32),
                (Rule::ScaffoldPlaceholder, 1, 43),
                (Rule::ScaffoldPlaceholder, 1, 59),
                (Rule::ScaffoldPlaceholder, 2, 35),
            ]
        );
        assert_eq!(d[1].message, "`acme.kind` still holds the scaffold marker: TODO openapi, sdk or docs");
    }

    #[test]
    fn rows_match_the_catalog() {
        let text = "alpha\tsdk\thttps://a.example.com\t2026-01-01\tlist,get,nope\tget\tn\n\
                    beta\topenapi\thttps://b.example.com\t2026-01-01\t-\t-\tn\n\
                    ghost\tdocs\thttps://g.example.com\t2026-01-01\t-\t-\tn\n\
                    zeta\tno-toolspec\t-\t2026-01-01\t-\t-\tn\n";
        let (rows, d) = parse(text, "2026-12-01");
        assert!(d.is_empty(), "{d:?}");
        let toolspec = |tools: &[&str]| Server {
            toolspec: Some(("toolspecs/x/0.1.0.yaml".into(), Some(tools.iter().map(|t| t.to_string()).collect()))),
        };
        let servers: BTreeMap<String, Server> = [
            ("alpha".to_string(), toolspec(&["list", "get", "delete"])),
            ("beta".to_string(), Server::default()),
            ("delta".to_string(), toolspec(&["a"])),
            ("zeta".to_string(), toolspec(&["a"])),
        ]
        .into();
        let got = check(text, &rows, &servers);
        assert_eq!(
            rules(&got),
            [
                (Rule::SourcesTools, 1, 53),
                (Rule::SourcesTools, 1, 58),
                (Rule::SourcesTools, 1, 44),
                (Rule::SourcesKind, 2, 6),
                (Rule::SourcesMissing, 3, 1),
                (Rule::SourcesKind, 4, 6),
                (Rule::SourcesTools, 4, 31),
                (Rule::SourcesUnknownServer, 3, 1),
            ]
        );
        assert_eq!(got[0].message, "`nope` is not a tool of toolspecs/x/0.1.0.yaml");
        assert!(got[1].message.starts_with("`get` is listed again (already under verified)"));
        assert_eq!(got[2].message, "1 tool of toolspecs/x/0.1.0.yaml in neither tool column: delete");
    }

    /// A toolspec tool name with a hidden character is that file's own finding
    /// (`value-hidden-character`): the row is held to the name as a reader sees it.
    #[test]
    fn tool_names_are_compared_as_shown() {
        let text = "alpha\tsdk\thttps://a.example.com\t2026-01-01\tlist,get\t-\tn\n";
        let (rows, d) = parse(text, "2026-12-01");
        assert!(d.is_empty(), "{d:?}");
        let tools = vec!["list\u{34f}".to_string(), "g\u{200b}et\u{202e}".to_string()];
        let servers: BTreeMap<String, Server> =
            [("alpha".to_string(), Server { toolspec: Some(("toolspecs/alpha/0.1.0.yaml".into(), Some(tools))) })].into();
        assert!(check(text, &rows, &servers).is_empty());
    }
}
