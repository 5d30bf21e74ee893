//! A self-contained HTML page: sections of text tables and flamegraphs, each
//! SVG embedded as its own document (`<iframe srcdoc>`), since inferno's
//! script assumes one SVG per document. Opens from disk with no network.
//!
//! ```
//! use ndprof::report::html::Page;
//! let mut page = Page::new("ndprof tour");
//! page.heading("vectorize");
//! page.text("case   variant   time");
//! page.svg("time.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
//! let html = page.finish();
//! assert!(html.contains("<iframe") && html.contains("&lt;svg xmlns"));
//! ```

use std::fmt::Write as _;

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML page under construction.
#[derive(Clone, Debug)]
pub struct Page {
    title: String,
    toc: Vec<(String, String)>,
    body: String,
}

impl Page {
    /// An empty page titled `title`.
    pub fn new(title: &str) -> Page {
        Page {
            title: title.to_string(),
            toc: Vec::new(),
            body: String::new(),
        }
    }

    /// A section heading, listed in the table of contents.
    pub fn heading(&mut self, text: &str) {
        let id = format!("s{}", self.toc.len());
        let _ = writeln!(self.body, "<h2 id=\"{id}\">{}</h2>", escape(text));
        self.toc.push((id, text.to_string()));
    }

    /// A sub-heading.
    pub fn subheading(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(text));
    }

    /// A paragraph of prose.
    pub fn paragraph(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", escape(text));
    }

    /// Preformatted text (tables, advice lines).
    pub fn text(&mut self, text: &str) {
        let _ = writeln!(self.body, "<pre>{}</pre>", escape(text));
    }

    /// An SVG document shown in its own frame, captioned `name`. The frame's
    /// document is HTML (as `srcdoc` always is) holding the SVG inline at
    /// full width, so inferno's fluid layout script sizes it to the frame.
    pub fn svg(&mut self, name: &str, svg: &str) {
        let height = svg_height(svg).map_or(600, |h| h + 24);
        let inline = svg.find("<svg").map_or(svg, |at| &svg[at..]);
        let doc = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>html,body{{margin:0}}\
             svg{{display:block;width:100%}}</style></head><body>{inline}</body></html>"
        );
        let _ = writeln!(
            self.body,
            "<figure><figcaption>{}</figcaption><iframe title=\"{}\" style=\"height:{height}px\" srcdoc=\"{}\"></iframe></figure>",
            escape(name),
            escape(name),
            escape(&doc)
        );
    }

    /// An SVG drawn inline (a chart: no script, no frame), captioned `name`.
    pub fn figure(&mut self, name: &str, svg: &str) {
        let inline = svg.find("<svg").map_or(svg, |at| &svg[at..]);
        let _ = writeln!(
            self.body,
            "<figure class=\"chart\"><figcaption>{}</figcaption>{inline}</figure>",
            escape(name)
        );
    }

    /// Advice as cards: the rule, where, what to do, the evidence and the saving.
    pub fn advice_cards(&mut self, advice: &[super::model::Advice]) {
        for a in advice {
            let at = if a.path.is_empty() {
                "the whole run".to_string()
            } else {
                a.path.join(" › ")
            };
            let mut saving = Vec::new();
            if let Some(ns) = a.saving_ns {
                saving.push(format!("~{:.2} ms", ns / 1e6));
            }
            if let Some(b) = a.saving_bytes {
                saving.push(crate::alloc::human_bytes(b));
            }
            let saving = if saving.is_empty() {
                "-".to_string()
            } else {
                saving.join(", ")
            };
            let _ = writeln!(
                self.body,
                "<div class=\"card\"><div class=\"rule\">{}</div><div class=\"where\">{}</div>\
                 <p>{}</p><dl><dt>evidence</dt><dd>{}</dd><dt>saving</dt><dd>{}</dd></dl></div>",
                escape(&a.rule),
                escape(&at),
                escape(&a.message),
                escape(&a.evidence),
                escape(&saving)
            );
        }
    }

    /// The finished page.
    pub fn finish(self) -> String {
        let mut toc = String::new();
        for (id, text) in &self.toc {
            let _ = write!(toc, "<li><a href=\"#{id}\">{}</a></li>", escape(text));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
             <style>\nbody {{ font-family: sans-serif; margin: 1.5em; max-width: 1300px; }}\n\
             pre {{ background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 12px; }}\n\
             iframe {{ width: 100%; border: 1px solid #ccc; }}\nfigure {{ margin: 0.5em 0 1.5em 0; }}\n\
             figcaption {{ font-weight: bold; margin-bottom: 0.3em; }}\n\
             .card {{ border: 1px solid #ccc; border-left: 5px solid #e6550d; border-radius: 4px; padding: 0.5em 0.8em; margin: 0.6em 0; }}\n\
             .card .rule {{ font-weight: bold; color: #a63603; }}\n.card .where {{ font-family: monospace; color: #333; overflow-wrap: anywhere; }}\n\
             .card p {{ margin: 0.3em 0; }}\n.card dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 0.8em; margin: 0; font-size: 13px; }}\n\
             .card dt {{ color: #666; }}\n.card dd {{ margin: 0; overflow-wrap: anywhere; }}\n</style>\n</head>\n<body>\n\
             <h1>{title}</h1>\n<ul>{toc}</ul>\n{body}</body>\n</html>\n",
            title = escape(&self.title),
            body = self.body
        )
    }
}

/// The `height` attribute of the root `<svg>` element, in pixels.
fn svg_height(svg: &str) -> Option<u32> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let at = tag.find(" height=\"")? + 9;
    let rest = &tag[at..];
    rest[..rest.find('"')?].trim_end_matches("px").parse().ok()
}
