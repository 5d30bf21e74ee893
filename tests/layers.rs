//! No import cycles: no source file imports one that imports it back,
//! directly or through others (`use crate::`, `use super::`, `use self::`,
//! a facade's `use child::`, and `crate::a::b` and `super::a::b` paths in
//! code). Files are the
//! modules here; a path resolves to the longest prefix that is a file.
//! Also checks the design's layers: lower layers never import higher ones.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

fn files(root: &Path, dir: &Path, out: &mut BTreeMap<Module, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p.strip_prefix(root).unwrap().with_extension("");
            let mut m: Module = rel
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if m.last().is_some_and(|l| l == "mod") {
                m.pop();
            }
            if m == ["lib"] || m == ["main"] {
                m.clear();
            }
            out.insert(m, std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// Source without comments (line comments, doc comments) or string literals.
fn code(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                kept.push(c);
            }
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Expands `a::{b, c::{d}}` into `a::b`, `a::c::d`.
fn expand(path: &str) -> Vec<String> {
    let path = path.trim();
    let Some(open) = path.find('{') else {
        return vec![path.to_string()];
    };
    let (pre, inner) = (
        &path[..open],
        &path[open + 1..path.rfind('}').unwrap_or(path.len())],
    );
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0, String::new());
    for ch in inner.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    parts.push(cur);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(&format!("{pre}{}", p.trim())))
        .collect()
}

fn resolve(files: &BTreeMap<Module, String>, segs: &[String]) -> Module {
    (0..=segs.len())
        .rev()
        .map(|i| segs[..i].to_vec())
        .find(|m| files.contains_key(m))
        .unwrap_or_default()
}

/// The `a::b::c` path at the start of `code`, by segment.
fn path_at(code: &str) -> Vec<String> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .next()
        .unwrap_or("")
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn edges(files: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut out = BTreeMap::new();
    for (m, src) in files {
        let src = code(src);
        let mut deps = BTreeSet::new();
        let mut rest = src.as_str();
        while let Some(at) = rest.find("use ") {
            let ok_before =
                at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let tail = &rest[at + 4..];
            let end = tail.find(';').unwrap_or(tail.len());
            if ok_before {
                for path in expand(&tail[..end].replace('\n', " ")) {
                    let path = path.split(" as ").next().unwrap_or("").trim().to_string();
                    let segs: Vec<String> = path.split("::").map(str::to_string).collect();
                    let target = match segs[0].as_str() {
                        "crate" => Some(resolve(files, &segs[1..])),
                        "super" | "self" => {
                            let mut base = m.clone();
                            let mut s = &segs[..];
                            while s.first().is_some_and(|x| x == "super") {
                                base.pop();
                                s = &s[1..];
                            }
                            if s.first().is_some_and(|x| x == "self") {
                                s = &s[1..];
                            }
                            base.extend(s.iter().cloned());
                            Some(resolve(files, &base))
                        }
                        first => {
                            let mut child = m.clone();
                            child.push(first.to_string());
                            files.contains_key(&child).then(|| {
                                let mut full = m.clone();
                                full.extend(segs.iter().cloned());
                                resolve(files, &full)
                            })
                        }
                    };
                    if let Some(t) = target.filter(|t| t != m) {
                        deps.insert(t);
                    }
                }
            }
            rest = &tail[end.min(tail.len())..];
        }
        for (i, _) in src.match_indices("crate::") {
            if src[..i].ends_with('$') {
                continue; // a macro's own path, resolved where it expands
            }
            let segs = path_at(&src[i + 7..]);
            let t = resolve(files, &segs);
            if &t != m {
                deps.insert(t);
            }
        }
        // `super::a::b` paths in code (outside `use`), as for `crate::`.
        for (i, _) in src.match_indices("super::") {
            if src[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // the middle of a longer path (`super::super::`)
            }
            let segs = path_at(&src[i..]);
            let mut base = m.clone();
            let mut rest = &segs[..];
            while rest.first().is_some_and(|x| x == "super") {
                base.pop();
                rest = &rest[1..];
            }
            if rest.is_empty() {
                continue; // `super::{a, b}`: a `use` list, expanded above
            }
            base.extend(rest.iter().cloned());
            let t = resolve(files, &base);
            if &t != m {
                deps.insert(t);
            }
        }
        out.insert(m.clone(), deps);
    }
    out
}

fn cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state: BTreeMap<&Module, u8> = BTreeMap::new();
    fn visit<'a>(
        m: &'a Module,
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<&'a Module, u8>,
        stack: &mut Vec<&'a Module>,
    ) -> Option<Vec<Module>> {
        state.insert(m, 1);
        stack.push(m);
        for d in edges.get(m).into_iter().flatten() {
            match state.get(d).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|x| *x == d).unwrap_or(0);
                    return Some(stack[at..].iter().map(|x| (*x).clone()).collect());
                }
                0 => {
                    if let Some(c) = visit(d, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m, 2);
        None
    }
    for m in edges.keys() {
        if state.get(m).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(m, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn show(c: &[Module]) -> String {
    c.iter()
        .map(|m| {
            if m.is_empty() {
                "crate".to_string()
            } else {
                m.join("::")
            }
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    for dir in ["src", "benches/compare", "benches/scale"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut f = BTreeMap::new();
        files(&root, &root, &mut f);
        assert!(f.len() > 1 || dir != "src");
        let e = edges(&f);
        if let Some(c) = cycle(&e) {
            panic!("import cycle in {dir}: {}", show(&c));
        }
    }
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut f = BTreeMap::new();
    files(&root, &root, &mut f);
    // DESIGN.md's layers; modules in one layer may import each other
    // (without cycles); the crate root and the CLI sit on top.
    let layer = |m: &Module| -> usize {
        match m.first().map(String::as_str) {
            Some("error") => 0,
            Some("trace") => 0,
            Some("dtype") => 1,
            Some("alloc") => 2,
            Some("buffer" | "array" | "ops" | "io") => 3,
            Some("profiler") => 4,
            Some("report") => 5,
            Some("tour") => 6,
            _ => 7,
        }
    };
    for (m, deps) in edges(&f) {
        // The root is a facade that also holds the exported macros
        // (`use crate::profile`); it imports no module that uses it.
        for d in deps.into_iter().filter(|d| !d.is_empty()) {
            assert!(
                layer(&d) <= layer(&m),
                "{} (layer {}) imports {} (layer {})",
                show(std::slice::from_ref(&m)),
                layer(&m),
                show(std::slice::from_ref(&d)),
                layer(&d)
            );
        }
    }
}
