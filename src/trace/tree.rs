//! The call tree: interned labels (scope names, `op[dtype]`), kept for the
//! life of the process, and the nodes of the recording session (a label
//! under a parent node), reset when a session starts. Node 0 is the root;
//! a node's id is larger than its parent's. Lookups go through a per-thread
//! cache; the global tables are locked only on a thread's first visit to a
//! (parent, label) pair in a session.

use super::class::OpClass;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A node of the call tree: a path of scopes and ops from the root.
pub type NodeId = u32;
/// An interned label.
pub type LabelId = u32;
/// The root node (no scope).
pub const ROOT: NodeId = 0;
/// The most nodes one session's tree holds; events under nodes past it are
/// dropped and counted (`Profile::dropped_events`).
pub const MAX_NODES: usize = 1 << 22;
/// Where events past [`MAX_NODES`] go: nowhere, counted.
pub(crate) const DROPPED: NodeId = NodeId::MAX;
/// Where events of unrecorded work go (`trace::unrecorded`): nowhere, not counted.
pub(crate) const IGNORED: NodeId = NodeId::MAX - 1;

/// Whether events at `node` are recorded; counts one dropped event for
/// [`DROPPED`] (the tree was full), none for [`IGNORED`].
#[inline]
pub(crate) fn recorded(node: NodeId) -> bool {
    match node {
        DROPPED => {
            note_dropped();
            false
        }
        IGNORED => false,
        _ => true,
    }
}

/// Whether a label names a `profile!` scope or an array operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    /// A `profile!` scope.
    Scope,
    /// An array operation.
    Op,
}

/// A scope name, or an op name with the dtype it computed in and its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Label {
    pub name: &'static str,
    /// Empty for scopes.
    pub dtype: &'static str,
    pub kind: LabelKind,
    /// Ops only.
    pub class: Option<OpClass>,
    /// Ops only: the line of the user's code that called the op, when the
    /// session records call sites.
    pub site: Option<Site>,
}

/// A line of source code: where an op was called from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Site {
    pub file: &'static str,
    pub line: u32,
}

impl Site {
    /// The call site `loc`, or `None` when it lies inside ndprof's runtime
    /// (an op reached through a function without `#[track_caller]`): such
    /// a line would name ndprof's code, not the user's.
    fn of(loc: &'static Location<'static>) -> Option<Site> {
        let file = loc.file();
        let prefix = file!().strip_suffix("trace/tree.rs").unwrap_or("src/");
        let internal = file.strip_prefix(prefix).is_some_and(|rest| {
            ["ops/", "array/", "trace/", "dtype/", "buffer.rs", "alloc/"]
                .iter()
                .any(|p| rest.starts_with(p))
        });
        (!internal).then_some(Site {
            file,
            line: loc.line(),
        })
    }
}

struct Labels {
    list: Vec<Label>,
    scopes: HashMap<&'static str, LabelId>,
    ops: HashMap<(&'static str, &'static str, Option<Site>), LabelId>,
}

static LABELS: Mutex<Option<Labels>> = Mutex::new(None);

fn with_labels<R>(f: impl FnOnce(&mut Labels) -> R) -> R {
    let mut guard = LABELS.lock().unwrap_or_else(|e| e.into_inner());
    let labels = guard.get_or_insert_with(|| Labels {
        list: vec![Label {
            name: "all",
            dtype: "",
            kind: LabelKind::Scope,
            class: None,
            site: None,
        }],
        scopes: HashMap::new(),
        ops: HashMap::new(),
    });
    f(labels)
}

fn push_label(l: &mut Labels, label: Label) -> LabelId {
    let id = l.list.len() as LabelId;
    l.list.push(label);
    id
}

/// Interns a scope name given as a `&'static str` (a `profile!` call site).
pub(crate) fn intern_static_scope(name: &'static str) -> LabelId {
    intern_scope(name, |n| n)
}

/// Interns a scope name known only at run time: one hash lookup; a new
/// name is copied once and kept for the life of the process.
pub(crate) fn intern_scope_name(name: &str) -> LabelId {
    intern_scope(name, |n| Box::leak(n.to_string().into_boxed_str()))
}

/// Scope labels by name, static and run-time names alike; `keep` makes the
/// name of a new label live for the process.
fn intern_scope<'a>(name: &'a str, keep: impl FnOnce(&'a str) -> &'static str) -> LabelId {
    super::own::uncounted(|| {
        with_labels(|l| {
            if let Some(&id) = l.scopes.get(name) {
                return id;
            }
            let name = keep(name);
            let id = push_label(
                l,
                Label {
                    name,
                    dtype: "",
                    kind: LabelKind::Scope,
                    class: None,
                    site: None,
                },
            );
            l.scopes.insert(name, id);
            id
        })
    })
}

struct Nodes {
    epoch: u64,
    /// (parent, label) per node.
    list: Vec<(NodeId, LabelId)>,
    index: HashMap<(NodeId, LabelId), NodeId>,
}

static NODES: Mutex<Option<Nodes>> = Mutex::new(None);
static DROPPED_EVENTS: AtomicU64 = AtomicU64::new(0);

/// Empties the tree for session `epoch`.
pub(crate) fn reset(epoch: u64) {
    let mut g = NODES.lock().unwrap_or_else(|e| e.into_inner());
    *g = Some(Nodes {
        epoch,
        list: vec![(ROOT, 0)],
        index: HashMap::new(),
    });
    DROPPED_EVENTS.store(0, Ordering::Relaxed);
}

/// Counts one event that found no node (the tree was full).
#[cold]
pub(crate) fn note_dropped() {
    DROPPED_EVENTS.fetch_add(1, Ordering::Relaxed);
}

/// Events dropped in the current session because its tree was full.
pub(crate) fn dropped_events() -> u64 {
    DROPPED_EVENTS.load(Ordering::Relaxed)
}

type ChildCache = (u64, HashMap<(NodeId, LabelId), NodeId>);

thread_local! {
    static CHILDREN: RefCell<ChildCache> = RefCell::new((0, HashMap::new()));
    static OP_LABELS: RefCell<HashMap<OpKey, LabelId>> = RefCell::new(HashMap::new());
    /// The last (epoch, parent, label) -> node lookups: loops repeat the same few.
    static LAST_CHILD: Cell<[(ChildKey, NodeId); RECENT]> = const { Cell::new([((0, 0, 0), 0); RECENT]) };
    static LAST_OP: Cell<[(OpKey, LabelId); RECENT]> = const { Cell::new([((0, 0, 0), 0); RECENT]) };
}

/// How many recent lookups each thread keeps per cache: a loop body with up
/// to this many distinct ops (or call sites) never misses.
const RECENT: usize = 8;

/// A child lookup's cache key: (epoch, parent, label); epoch 0 is never a session's.
type ChildKey = (u64, NodeId, LabelId);

/// An op label's cache key: the addresses of its name, dtype and call site
/// (0: none).
type OpKey = (usize, usize, usize);

/// The node for `label` under `parent` in session `epoch`.
#[inline]
pub(crate) fn child(epoch: u64, parent: NodeId, label: LabelId) -> NodeId {
    let key = (epoch, parent, label);
    if let Ok(Some(n)) = LAST_CHILD.try_with(|c| super::recent::find(c, key)) {
        return n;
    }
    let node = child_slow(epoch, parent, label);
    let _ = LAST_CHILD.try_with(|c| super::recent::insert(c, key, node));
    node
}

/// Runs on a thread's first visit to (parent, label) in a session; what it
/// allocates is the profiler's own (uncounted).
fn child_slow(epoch: u64, parent: NodeId, label: LabelId) -> NodeId {
    super::own::uncounted(|| child_uncached(epoch, parent, label))
}

fn child_uncached(epoch: u64, parent: NodeId, label: LabelId) -> NodeId {
    if parent == DROPPED || parent == IGNORED {
        return parent;
    }
    let cached = CHILDREN
        .try_with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != epoch {
                *c = (epoch, HashMap::new());
            }
            c.1.get(&(parent, label)).copied()
        })
        .ok()
        .flatten();
    if let Some(n) = cached {
        return n;
    }
    let node = {
        let mut g = NODES.lock().unwrap_or_else(|e| e.into_inner());
        let Some(t) = g.as_mut().filter(|t| t.epoch == epoch) else {
            return DROPPED; // a straggler from another session
        };
        // A node id left over from an earlier session is not in this tree.
        let parent = if (parent as usize) < t.list.len() {
            parent
        } else {
            ROOT
        };
        if let Some(&n) = t.index.get(&(parent, label)) {
            n
        } else if t.list.len() >= MAX_NODES {
            DROPPED
        } else {
            let n = t.list.len() as NodeId;
            t.list.push((parent, label));
            t.index.insert((parent, label), n);
            n
        }
    };
    let _ = CHILDREN.try_with(|c| c.borrow_mut().1.insert((parent, label), node));
    node
}

/// The label of op `name` of `class` computing in `dtype`, called from
/// `site` if given (cached per thread by address).
#[inline]
pub(crate) fn op_label(
    name: &'static str,
    class: OpClass,
    dtype: &'static str,
    site: Option<&'static Location<'static>>,
) -> LabelId {
    let key = (
        name.as_ptr() as usize,
        dtype.as_ptr() as usize,
        site.map_or(0, |s| s as *const Location as usize),
    );
    if let Ok(Some(l)) = LAST_OP.try_with(|c| super::recent::find(c, key)) {
        return l;
    }
    let l = op_label_slow(name, class, dtype, site, key);
    let _ = LAST_OP.try_with(|c| super::recent::insert(c, key, l));
    l
}

/// A label missing from the thread's recent ones; what it allocates is the
/// profiler's own (uncounted).
#[cold]
fn op_label_slow(
    name: &'static str,
    class: OpClass,
    dtype: &'static str,
    site: Option<&'static Location<'static>>,
    key: OpKey,
) -> LabelId {
    super::own::uncounted(|| op_label_uncached(name, class, dtype, site, key))
}

fn op_label_uncached(
    name: &'static str,
    class: OpClass,
    dtype: &'static str,
    site: Option<&'static Location<'static>>,
    key: OpKey,
) -> LabelId {
    let cached = OP_LABELS
        .try_with(|c| c.borrow().get(&key).copied())
        .ok()
        .flatten();
    if let Some(l) = cached {
        return l;
    }
    let site = site.and_then(Site::of);
    let l = with_labels(|l| {
        if let Some(&id) = l.ops.get(&(name, dtype, site)) {
            return id;
        }
        let id = push_label(
            l,
            Label {
                name,
                dtype,
                kind: LabelKind::Op,
                class: Some(class),
                site,
            },
        );
        l.ops.insert((name, dtype, site), id);
        id
    });
    let _ = OP_LABELS.try_with(|c| c.borrow_mut().insert(key, l));
    l
}

/// The labels, and the (parent, label) of every node of session `epoch`
/// (empty if another session's tree is current).
pub(crate) fn snapshot(epoch: u64) -> (Vec<Label>, Vec<(NodeId, LabelId)>) {
    let labels = with_labels(|l| l.list.clone());
    let g = NODES.lock().unwrap_or_else(|e| e.into_inner());
    let nodes = g
        .as_ref()
        .filter(|t| t.epoch == epoch)
        .map(|t| t.list.clone())
        .unwrap_or_default();
    (labels, nodes)
}
