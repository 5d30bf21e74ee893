//! Which node a sample taken inside a per-element op is charged to.
//!
//! The per-element path marks only the op it is in (`get`, `set`: its
//! [`SiteTable`]'s mark), not the array's dtype, so that the mark costs the
//! loop one store of a constant. A sample taken inside an op under node `n` goes to
//! `n`'s children for that op (`get[float64]`, `get[int32]`, ...) in
//! proportion to the calls counted for each: all of it when there is one
//! (the usual loop), split by calls when a scope reads arrays of several
//! dtypes (an estimate: equal time per call). With no child counted yet
//! (a sample before the op's first counted call under `n`), it stays on `n`.

use super::metrics::Metrics;
use super::sites::{table_of_mark, SiteTable};
use super::tree::{Label, LabelId, LabelKind, NodeId};
use std::collections::HashMap;

/// The counted children of each (node, op mark) that samples were taken in.
pub(crate) struct Charges {
    /// (node, mark) -> [(child, cumulative calls)], cumulative in child order.
    children: HashMap<(NodeId, usize), Vec<(NodeId, u64)>>,
}

impl Charges {
    /// Indexes the children that samples inside ops may go to. `wanted`: the
    /// (node, mark) pairs of the samples (mark non-zero); `nodes` and
    /// `labels` the call tree (parents before children), `metrics` the
    /// counted calls by node id.
    pub(crate) fn new(
        wanted: impl IntoIterator<Item = (NodeId, usize)>,
        nodes: &[(NodeId, LabelId)],
        labels: &[Label],
        metrics: &[Metrics],
    ) -> Charges {
        let mut children: HashMap<(NodeId, usize), Vec<(NodeId, u64)>> = HashMap::new();
        // The ops the samples name, by mark.
        let mut ops: Vec<(usize, &'static SiteTable)> = Vec::new();
        for (node, mark) in wanted {
            children.entry((node, mark)).or_default();
            if !ops.iter().any(|&(m, _)| m == mark) {
                if let Some(table) = table_of_mark(mark) {
                    ops.push((mark, table));
                }
            }
        }
        for (id, &(parent, label)) in nodes.iter().enumerate() {
            let Some(label) = labels.get(label as usize) else {
                continue;
            };
            if label.kind != LabelKind::Op || label.site.is_some() {
                continue;
            }
            let calls = metrics.get(id).map_or(0, |m| m.calls);
            for &(mark, table) in &ops {
                let op = &table.sites[0];
                if label.name == op.name && label.class == Some(op.class) {
                    if let Some(list) = children.get_mut(&(parent, mark)) {
                        let before = list.last().map_or(0, |&(_, c)| c);
                        list.push((id as NodeId, before.saturating_add(calls)));
                    }
                }
            }
        }
        // Children with no calls counted take no share.
        for list in children.values_mut() {
            let mut before = 0;
            list.retain(|&(_, c)| {
                let keep = c > before;
                before = c;
                keep
            });
        }
        Charges { children }
    }

    /// Splits `count` samples standing for `ns` nanoseconds, taken inside
    /// op `mark` (0: none) under `node`: `(node, count, ns)` parts whose
    /// counts and nanoseconds add up to the whole.
    pub(crate) fn split(
        &self,
        node: NodeId,
        mark: usize,
        count: u64,
        ns: u64,
    ) -> Vec<(NodeId, u64, u64)> {
        let list = match self.children.get(&(node, mark)) {
            Some(list) if mark != 0 && !list.is_empty() => list,
            _ => return vec![(node, count, ns)],
        };
        let total = list.last().map_or(1, |&(_, c)| c);
        // Child i gets floor(C_i x / N) - floor(C_(i-1) x / N) of x, with C
        // the cumulative calls and N their total: the parts add up to x.
        let share = |cumulative: u64, x: u64| {
            (u128::from(cumulative) * u128::from(x) / u128::from(total)) as u64
        };
        let mut before = 0;
        list.iter()
            .map(|&(child, c)| {
                let part = (
                    child,
                    share(c, count) - share(before, count),
                    share(c, ns) - share(before, ns),
                );
                before = c;
                part
            })
            .filter(|&(_, count, ns)| count > 0 || ns > 0)
            .collect()
    }

    /// The one node a single sample (a time-line point) goes to: a child
    /// picked with probability its share of the calls, by `key` (any value
    /// that differs between samples, hashed here).
    pub(crate) fn pick(&self, node: NodeId, mark: usize, key: u64) -> NodeId {
        let list = match self.children.get(&(node, mark)) {
            Some(list) if mark != 0 && !list.is_empty() => list,
            _ => return node,
        };
        let total = list.last().map_or(1, |&(_, c)| c);
        let r = splitmix(key) % total;
        list.iter()
            .find(|&&(_, c)| c > r)
            .map_or(node, |&(child, _)| child)
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use crate::trace::charge::Charges;
    use crate::trace::class::OpClass;
    use crate::trace::metrics::Metrics;
    use crate::trace::sites::{register, ScalarSite, SiteTable};
    use crate::trace::tree::{Label, LabelKind, NodeId};

    static GET: SiteTable = SiteTable::uniform(
        6,
        ScalarSite {
            name: "get",
            class: OpClass::ScalarRead,
            dtype: "",
        },
    );

    fn label(name: &'static str, kind: LabelKind, dtype: &'static str) -> Label {
        Label {
            name,
            dtype,
            kind,
            class: (kind == LabelKind::Op).then_some(OpClass::ScalarRead),
            site: None,
        }
    }

    /// Scope 1 under the root, with `get[float64]` (node 2, 300 calls),
    /// `get[int32]` (node 3, 100 calls) and `set[float64]` (node 4); scope 5
    /// with no op counted.
    fn charges() -> Charges {
        let labels = vec![
            label("loop", LabelKind::Scope, ""),
            label("get", LabelKind::Op, "float64"),
            label("get", LabelKind::Op, "int32"),
            label("set", LabelKind::Op, "float64"),
            label("other", LabelKind::Scope, ""),
        ];
        let nodes = vec![(0, 0), (0, 0), (1, 1), (1, 2), (1, 3), (0, 4)];
        let calls = [0, 0, 300, 100, 50, 0];
        let metrics: Vec<Metrics> = calls
            .iter()
            .map(|&calls| Metrics {
                calls,
                ..Metrics::default()
            })
            .collect();
        register(&GET);
        Charges::new([(1, GET.mark), (5, GET.mark)], &nodes, &labels, &metrics)
    }

    #[test]
    fn samples_in_an_op_split_over_its_dtypes_by_calls_and_add_up() {
        let c = charges();
        assert_eq!(
            c.split(1, GET.mark, 8, 8_000),
            vec![(2, 6, 6_000), (3, 2, 2_000)]
        );
        let odd = c.split(1, GET.mark, 3, 1_001);
        assert_eq!(odd.iter().map(|p| p.1).sum::<u64>(), 3);
        assert_eq!(odd.iter().map(|p| p.2).sum::<u64>(), 1_001);
        assert_eq!(c.split(1, 0, 3, 30), vec![(1, 3, 30)], "outside any op");
        assert_eq!(
            c.split(5, GET.mark, 3, 30),
            vec![(5, 3, 30)],
            "no call counted: the scope keeps it"
        );
    }

    #[test]
    fn single_samples_pick_dtypes_at_their_share_of_calls() {
        let c = charges();
        let picks: Vec<NodeId> = (0..4000).map(|k| c.pick(1, GET.mark, k)).collect();
        assert!(picks.iter().all(|&n| n == 2 || n == 3));
        let float = picks.iter().filter(|&&n| n == 2).count();
        // 3000 expected; binomial standard deviation ~27.
        assert!((2850..3150).contains(&float), "{float}");
        assert_eq!(c.pick(5, GET.mark, 7), 5);
    }
}
