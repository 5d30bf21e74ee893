//! Plain-text tables whose columns fit their widest cell, and paths that
//! stay one readable cell however deep.

use crate::profiler::Record;

/// `rows` as text columns, each as wide as its widest cell: all but the
/// last right-aligned, the last (a path) left-aligned, two spaces before it.
pub(crate) fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |k: usize| {
        rows.iter()
            .filter_map(|r| r.get(k))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (k, cell) in row.iter().enumerate() {
            if k + 1 == cols {
                line.push_str("  ");
                line.push_str(cell);
            } else {
                if k > 0 {
                    line.push(' ');
                }
                let pad = widths[k].saturating_sub(cell.chars().count());
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Paths longer than this many frames print with their middle elided.
const SHOWN_FRAMES: usize = 8;

/// Record `i`'s path joined with `;`, eliding the middle of deep paths
/// (`a;b;...(996 frames)...;x;y;z`) so a row stays readable and a deep
/// profile's table does not grow with the square of its depth.
pub fn display_path(records: &[Record], i: usize) -> String {
    display_path_with(
        i,
        |j| records.get(j)?.parent.filter(|&p| p < j),
        |j| records[j].frame(),
    )
}

/// [`display_path`] over any tree: `parent(j)` (smaller than `j`) and `frame(j)`.
pub fn display_path_with(
    i: usize,
    parent: impl Fn(usize) -> Option<usize>,
    frame: impl Fn(usize) -> String,
) -> String {
    let mut chain = vec![i];
    while let Some(p) = chain.last().and_then(|&j| parent(j)) {
        chain.push(p);
    }
    chain.reverse();
    let frames = |ids: &[usize]| -> Vec<String> { ids.iter().map(|&j| frame(j)).collect() };
    if chain.len() <= SHOWN_FRAMES {
        return frames(&chain).join(";");
    }
    let (head, tail) = (2, SHOWN_FRAMES - 3);
    format!(
        "{};...({} frames)...;{}",
        frames(&chain[..head]).join(";"),
        chain.len() - head - tail,
        frames(&chain[chain.len() - tail..]).join(";")
    )
}
