//! Sampled mode finds an op's node through small per-thread caches (labels
//! by name, dtype and call site; entries by parent and label): distinct
//! sites, dtypes and parents must never share a node, however the caches'
//! slots collide.

use ndprof::trace::{op, OpClass};

/// One call site, called with two dtypes, under two scopes in turn, and
/// 40 other sites in between (more than the cache's ways): every count
/// lands on its own node.
#[test]
fn each_site_dtype_and_parent_counts_on_its_own_node() -> ndprof::Result<()> {
    let _l = ndprof::testing::lock();
    let session = ndprof::Session::builder().cpu_hz(0).start()?;
    let one_site = |dtype: &'static str, n: usize| {
        let _g = op("probe", OpClass::Elementwise, "float64", n, 0, 0);
        let _h = op("probe", OpClass::Elementwise, dtype, n, 0, 0);
    };
    for round in 0..3 {
        for scope in ["a", "b"] {
            let _s = ndprof::trace::enter_dynamic_scope(scope);
            one_site("int32", 1);
            one_site("int64", 10);
            for _ in 0..round {
                // 40 distinct call sites (one closure, 40 lines).
                macro_rules! forty { ($($i:literal)*) => { $( let _g = op("other", OpClass::Reduction, "float64", $i, 0, 0); )* } }
                forty!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
                       21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40);
            }
        }
    }
    let p = session.finish()?;
    for scope in ["a", "b"] {
        let calls = |dtype: &str| {
            let name = format!("probe[{dtype}]");
            p.records()
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    let path = p.path(*i);
                    path.first().map(String::as_str) == Some(scope) && path.last() == Some(&name)
                })
                .map(|(_, r)| (r.calls, r.elements))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        };
        assert_eq!(calls("float64"), (6, 33), "{scope}");
        assert_eq!(calls("int32"), (3, 3), "{scope}");
        assert_eq!(calls("int64"), (3, 30), "{scope}");
        let others: u64 = p
            .records()
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                let path = p.path(*i);
                path.first().map(String::as_str) == Some(scope)
                    && path.last().is_some_and(|l| l.starts_with("other"))
            })
            .map(|(_, r)| r.calls)
            .sum();
        assert_eq!(others, 3 * 40, "{scope}");
    }
    Ok(())
}
