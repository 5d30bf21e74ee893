//! The call tree: interned labels (scope names, `op[dtype]`) and nodes
//! (a label under a parent node). Node 0 is the root. Lookups go through a
//! per-thread cache; the global table is locked only on a thread's first
//! visit to a (parent, label) pair.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Mutex;

/// A node of the call tree: a path of scopes and ops from the root.
pub type NodeId = u32;
/// An interned label.
pub type LabelId = u32;
/// The root node (no scope).
pub const ROOT: NodeId = 0;

/// Whether a label names a `profile!` scope or an array operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelKind {
    Scope,
    Op,
}

/// A scope name, or an op name with the dtype it computed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub name: &'static str,
    /// Empty for scopes.
    pub dtype: &'static str,
    pub kind: LabelKind,
}

struct Tree {
    labels: Vec<Label>,
    label_index: HashMap<Label, LabelId>,
    /// (parent, label) per node.
    nodes: Vec<(NodeId, LabelId)>,
    node_index: HashMap<(NodeId, LabelId), NodeId>,
}

static TREE: Mutex<Option<Tree>> = Mutex::new(None);

fn with_tree<R>(f: impl FnOnce(&mut Tree) -> R) -> R {
    let mut guard = TREE.lock().unwrap_or_else(|e| e.into_inner());
    let tree = guard.get_or_insert_with(|| {
        let root = Label {
            name: "all",
            dtype: "",
            kind: LabelKind::Scope,
        };
        Tree {
            labels: vec![root],
            label_index: HashMap::from([(root, 0)]),
            nodes: vec![(ROOT, 0)],
            node_index: HashMap::new(),
        }
    });
    f(tree)
}

/// Interns a label.
pub fn intern(label: Label) -> LabelId {
    with_tree(|t| {
        if let Some(&id) = t.label_index.get(&label) {
            return id;
        }
        let id = t.labels.len() as LabelId;
        t.labels.push(label);
        t.label_index.insert(label, id);
        id
    })
}

/// Interns a scope name known only at run time. Each distinct name is
/// copied once and kept for the life of the process.
pub fn intern_scope_name(name: &str) -> LabelId {
    with_tree(|t| {
        let probe = Label {
            name: "",
            dtype: "",
            kind: LabelKind::Scope,
        };
        // Label 0 is the root ("all"), never a user scope.
        let found = t
            .labels
            .iter()
            .skip(1)
            .position(|l| l.kind == LabelKind::Scope && l.name == name);
        if let Some(i) = found {
            return (i + 1) as LabelId;
        }
        let label = Label {
            name: Box::leak(name.to_string().into_boxed_str()),
            ..probe
        };
        let id = t.labels.len() as LabelId;
        t.labels.push(label);
        t.label_index.insert(label, id);
        id
    })
}

thread_local! {
    static CHILDREN: RefCell<HashMap<(NodeId, LabelId), NodeId>> = RefCell::new(HashMap::new());
    static OP_LABELS: RefCell<HashMap<(usize, usize), LabelId>> = RefCell::new(HashMap::new());
    /// The last (parent, label) -> node lookups: loops repeat the same few.
    static LAST_CHILD: Cell<[(NodeId, LabelId, NodeId); 2]> = const { Cell::new([(u32::MAX, 0, 0); 2]) };
    static LAST_OP: Cell<[(usize, usize, LabelId); 2]> = const { Cell::new([(0, 0, 0); 2]) };
}

/// The node for `label` under `parent`.
#[inline]
pub fn child(parent: NodeId, label: LabelId) -> NodeId {
    if let Ok(last) = LAST_CHILD.try_with(Cell::get) {
        for (p, l, n) in last {
            if p == parent && l == label {
                return n;
            }
        }
    }
    let node = child_slow(parent, label);
    let _ = LAST_CHILD.try_with(|c| {
        let [a, _] = c.get();
        c.set([(parent, label, node), a]);
    });
    node
}

fn child_slow(parent: NodeId, label: LabelId) -> NodeId {
    let cached = CHILDREN
        .try_with(|c| c.borrow().get(&(parent, label)).copied())
        .ok()
        .flatten();
    if let Some(n) = cached {
        return n;
    }
    let node = with_tree(|t| {
        if let Some(&n) = t.node_index.get(&(parent, label)) {
            return n;
        }
        let n = t.nodes.len() as NodeId;
        t.nodes.push((parent, label));
        t.node_index.insert((parent, label), n);
        n
    });
    let _ = CHILDREN.try_with(|c| c.borrow_mut().insert((parent, label), node));
    node
}

/// The label of op `name` computing in `dtype` (cached per thread by address).
#[inline]
pub fn op_label(name: &'static str, dtype: &'static str) -> LabelId {
    let key = (name.as_ptr() as usize, dtype.as_ptr() as usize);
    if let Ok(last) = LAST_OP.try_with(Cell::get) {
        for (a, b, l) in last {
            if (a, b) == key {
                return l;
            }
        }
    }
    let l = op_label_slow(name, dtype, key);
    let _ = LAST_OP.try_with(|c| {
        let [a, _] = c.get();
        c.set([(key.0, key.1, l), a]);
    });
    l
}

fn op_label_slow(name: &'static str, dtype: &'static str, key: (usize, usize)) -> LabelId {
    let cached = OP_LABELS
        .try_with(|c| c.borrow().get(&key).copied())
        .ok()
        .flatten();
    if let Some(l) = cached {
        return l;
    }
    let l = intern(Label {
        name,
        dtype,
        kind: LabelKind::Op,
    });
    let _ = OP_LABELS.try_with(|c| c.borrow_mut().insert(key, l));
    l
}

/// The labels and the (parent, label) of every node, indexed by id.
pub fn snapshot() -> (Vec<Label>, Vec<(NodeId, LabelId)>) {
    with_tree(|t| (t.labels.clone(), t.nodes.clone()))
}
