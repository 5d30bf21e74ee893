//! The trace layer: ops and allocators report to an installed sink. This file
//! installs a process-wide sink, so it holds its one test alone (integration
//! test files are separate processes).

use ndprof::alloc::{BufferAllocator, SystemAllocator};
use ndprof::trace::{self, AllocEvent, AllocKind, OpEvent, Sink};
use ndprof::{Array, DType};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Recorder {
    ops: Mutex<Vec<OpEvent>>,
    allocs: Mutex<Vec<AllocEvent>>,
}

impl Sink for Recorder {
    fn op(&self, e: &OpEvent) {
        self.ops.lock().unwrap().push(e.clone());
    }
    fn alloc(&self, e: &AllocEvent) {
        self.allocs.lock().unwrap().push(*e);
    }
}

#[test]
fn ops_and_allocations_reach_the_sink_only_while_installed() {
    let sys: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let before = Array::zeros_in(&[10], DType::Float64, sys.clone()).unwrap();
    let rec = Arc::new(Recorder::default());
    trace::install(rec.clone());
    assert!(trace::enabled());

    let a = Array::zeros_in(&[1000], DType::Float32, sys.clone()).unwrap();
    let b = a.add(&a).unwrap();
    let mut c = Array::with_capacity_in(DType::Int64, 0, sys.clone()).unwrap();
    for i in 0..9 {
        c.push(i as i64).unwrap();
    }
    drop(b);
    trace::uninstall();
    let _after = before.square().unwrap();

    let ops = rec.ops.lock().unwrap();
    let names: Vec<&str> = ops.iter().map(|e| e.op).collect();
    assert_eq!(names.iter().filter(|n| **n == "push").count(), 9);
    let zeros = ops.iter().find(|e| e.op == "zeros").unwrap();
    assert_eq!(
        (zeros.dtype, zeros.elements, zeros.bytes_written),
        ("float32", 1000, 4000)
    );
    let add = ops.iter().find(|e| e.op == "add").unwrap();
    assert_eq!(
        (add.elements, add.bytes_read, add.bytes_written),
        (1000, 8000, 4000)
    );
    assert!(
        !names.contains(&"square"),
        "nothing is recorded after uninstall"
    );

    let allocs = rec.allocs.lock().unwrap();
    let kinds: Vec<AllocKind> = allocs.iter().map(|e| e.kind).collect();
    // zeros, add result, first push (8 slots), ninth push grows 8 -> 16 copying 64 bytes,
    // then the add result is freed.
    assert_eq!(
        kinds,
        vec![
            AllocKind::Alloc,
            AllocKind::Alloc,
            AllocKind::Alloc,
            AllocKind::Grow { copied: 64 },
            AllocKind::Free
        ]
    );
    assert!(allocs.iter().all(|e| e.allocator == "system"));
}
