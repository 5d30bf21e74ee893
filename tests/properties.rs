//! Property tests: ops on random shapes, dtypes and broadcast pairs against
//! plain loops and ndarray.

use ndprof::{Array, BinaryOp, Casting, DType, Element, Scalar};
use proptest::prelude::*;

fn dtype() -> impl Strategy<Value = DType> {
    prop::sample::select(DType::ALL.to_vec())
}

/// 0-d to 6-d: arrays keep up to 4 axes inline, more on the heap.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..5, 0..7)
}

/// A shape that broadcasts with `s`: some axes set to 1, some leading axes dropped.
fn broadcast_partner(s: Vec<usize>) -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    let n = s.len();
    (prop::collection::vec(any::<bool>(), n), 0..=n).prop_map(move |(ones, drop)| {
        let b: Vec<usize> = s
            .iter()
            .zip(&ones)
            .map(|(&d, &one)| if one { 1 } else { d })
            .skip(drop)
            .collect();
        (s.clone(), b)
    })
}

fn random_array(shape: &[usize], dtype: DType, seed: u64) -> Array {
    let f = Array::random_uniform(shape, -50.0, 50.0, seed, DType::Float64).unwrap();
    f.astype(dtype, Casting::Unsafe).unwrap()
}

/// Every multi-index of `shape`, in C order.
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &d in shape {
        out = out
            .into_iter()
            .flat_map(|p| (0..d).map(move |i| [p.clone(), vec![i]].concat()))
            .collect();
    }
    out
}

/// The operand index that broadcasting maps output index `idx` to.
fn source_index(idx: &[usize], shape: &[usize]) -> Vec<usize> {
    let lead = idx.len() - shape.len();
    shape
        .iter()
        .enumerate()
        .map(|(k, &d)| if d == 1 { 0 } else { idx[lead + k] })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn add_mul_broadcast_like_loops(
        (sa, sb) in shape().prop_flat_map(broadcast_partner),
        da in dtype(), db in dtype(), swap in any::<bool>(), seed in any::<u64>(),
    ) {
        let (sa, sb) = if swap { (sb, sa) } else { (sa, sb) };
        let a = random_array(&sa, da, seed);
        let b = random_array(&sb, db, seed ^ 1);
        let dt = DType::promote(da, db);
        for (op, f) in [
            (BinaryOp::Add, (|x, y| x + y) as fn(Scalar, Scalar) -> Scalar),
            (BinaryOp::Mul, |x, y| x * y),
        ] {
            let r = a.binary(op, &b).unwrap();
            prop_assert_eq!(r.dtype(), dt);
            let out_shape = ndprof::array::broadcast_shapes(&sa, &sb).unwrap();
            prop_assert_eq!(r.shape(), &out_shape[..]);
            for idx in indices(&out_shape) {
                let x = a.get(&source_index(&idx, &sa)).unwrap();
                let y = b.get(&source_index(&idx, &sb)).unwrap();
                let want = f(x, y).cast(dt);
                let got = r.get(&idx).unwrap();
                prop_assert!(got == want || (got.to_f64().is_nan() && want.to_f64().is_nan()),
                    "{:?} {:?} at {:?}: {} vs {}", op, dt, idx, got, want);
            }
        }
    }

    #[test]
    fn unary_matches_ndarray_mapv(s in shape(), seed in any::<u64>(), t in any::<bool>()) {
        let a = random_array(&s, DType::Float64, seed);
        let a = if t { a.t() } else { a };
        let nd = a.to_ndarray::<f64>().unwrap();
        prop_assert_eq!(a.square().unwrap().to_ndarray::<f64>().unwrap(), nd.mapv(|v| v * v));
        prop_assert_eq!(a.abs().unwrap().to_ndarray::<f64>().unwrap(), nd.mapv(f64::abs));
        prop_assert_eq!(a.exp().unwrap().to_ndarray::<f64>().unwrap(), nd.mapv(f64::exp));
    }

    #[test]
    fn reductions_match_ndarray(s in prop::collection::vec(1usize..40, 1..4), seed in any::<u64>()) {
        let a = random_array(&s, DType::Float64, seed);
        let nd = a.to_ndarray::<f64>().unwrap();
        let total = a.sum().unwrap().item().unwrap().to_f64();
        prop_assert!((total - nd.sum()).abs() <= 1e-9 * (1.0 + nd.iter().map(|v| v.abs()).sum::<f64>()));
        for axis in 0..s.len() {
            let got = a.sum_axis(axis).unwrap().to_ndarray::<f64>().unwrap();
            let want = nd.sum_axis(ndarray::Axis(axis));
            for (g, w) in got.iter().zip(want.iter()) {
                prop_assert!((g - w).abs() <= 1e-9 * (1.0 + w.abs()));
            }
            let mx = a.max_axis(axis).unwrap().to_ndarray::<f64>().unwrap();
            let want = nd.fold_axis(ndarray::Axis(axis), f64::NEG_INFINITY, |&m, &v| m.max(v));
            prop_assert_eq!(mx, want);
        }
        let v: Vec<f64> = nd.iter().copied().collect();
        let imin = a.argmin().unwrap();
        prop_assert!(v.iter().all(|&x| x >= v[imin]));
        prop_assert!(v[..imin].iter().all(|&x| x > v[imin]), "argmin returns the first minimum");
    }

    #[test]
    fn integer_sums_are_exact(s in prop::collection::vec(1usize..50, 1..3), d in dtype(), seed in any::<u64>()) {
        prop_assume!(d.is_integer());
        let a = random_array(&s, d, seed);
        let want: i128 = a.to_ndarray::<i64>().map(|x| x.iter().map(|&v| v as i128).sum())
            .unwrap_or_else(|_| {
                let b = a.astype(DType::Int64, Casting::Unsafe).unwrap();
                b.to_vec::<i64>().unwrap().iter().map(|&v| v as i128).sum()
            });
        let got = a.sum().unwrap().item().unwrap();
        let got = match got { Scalar::I64(v) => v as i128, Scalar::U64(v) => (v as i64) as i128, other => panic!("{other:?}") };
        prop_assert_eq!(got, want);
    }

    #[test]
    fn safe_cast_accepts_exactly_what_round_trips(v in -300i64..300, d in dtype()) {
        let a = Array::from_vec(vec![v]).unwrap();
        let fits = with_range(d, v);
        prop_assert_eq!(a.astype(d, Casting::Safe).is_ok(), fits);
    }
}

fn with_range(d: DType, v: i64) -> bool {
    fn f<T: Element>(v: i64) -> bool {
        v.cast_checked::<T>().is_some()
    }
    match d {
        DType::Bool => (0..=1).contains(&v),
        DType::Int8 => f::<i8>(v),
        DType::Int16 => f::<i16>(v),
        DType::Int32 => f::<i32>(v),
        DType::Int64 => f::<i64>(v),
        DType::UInt8 => f::<u8>(v),
        DType::UInt16 => f::<u16>(v),
        DType::UInt32 => f::<u32>(v),
        DType::UInt64 => f::<u64>(v),
        DType::Float32 | DType::Float64 => true,
    }
}

/// CPython's `slice.indices` + `range`: the indices `start:stop:step` selects.
fn python_slice(n: isize, start: Option<isize>, stop: Option<isize>, step: isize) -> Vec<isize> {
    let clamp = |v: isize, lo: isize, hi: isize| {
        let v = if v < 0 { v + n } else { v };
        v.clamp(lo, hi)
    };
    let (lo, hi) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let start = start.map_or(if step < 0 { n - 1 } else { 0 }, |s| clamp(s, lo, hi));
    let stop = stop.map_or(if step < 0 { -1 } else { n }, |s| clamp(s, lo, hi));
    let mut out = vec![];
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i);
        i += step;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn slices_follow_python_semantics(
        n in 0usize..12,
        start in prop::option::of(-15isize..15),
        stop in prop::option::of(-15isize..15),
        step in prop_oneof![-4isize..0, 1isize..5],
        m in 1usize..4,
    ) {
        let a = Array::arange(0.0, (n * m) as f64, 1.0, DType::Int64).unwrap().reshape(&[n, m]).unwrap();
        let s = a.slice(&[ndprof::Slice::new(start, stop, step)]).unwrap();
        let rows = python_slice(n as isize, start, stop, step);
        prop_assert_eq!(s.shape(), &[rows.len(), m][..]);
        let want: Vec<i64> = rows.iter().flat_map(|&r| (0..m as i64).map(move |j| r as i64 * m as i64 + j)).collect();
        prop_assert_eq!(s.to_vec::<i64>().unwrap(), want.clone());
        // Ops on the view see the same elements.
        let doubled: Vec<i64> = want.iter().map(|v| v * 2).collect();
        prop_assert_eq!(s.mul_scalar(2).unwrap().to_vec::<i64>().unwrap(), doubled);
        prop_assert_eq!(s.sum().unwrap().item().unwrap().to::<i64>(), want.iter().sum::<i64>());
    }
}

/// Past the 4 axes an array keeps inline: views (permute, slice,
/// broadcast, reshape) and element access on a 6-d array agree with index
/// arithmetic.
#[test]
fn six_axis_views_index_like_c_order_arithmetic() {
    let shape = [2usize, 3, 1, 2, 2, 3];
    let n: usize = shape.iter().product();
    let a = Array::arange(0.0, n as f64, 1.0, DType::Float64)
        .unwrap()
        .reshape(&shape)
        .unwrap();
    assert_eq!(a.shape(), &shape);
    assert_eq!(a.strides(), &[72 / 2, 12, 12, 6, 3, 1]);
    let flat = |idx: &[usize]| -> f64 {
        idx.iter()
            .zip(a.strides())
            .map(|(&i, &s)| i as f64 * s as f64)
            .sum()
    };
    let reversed = a.permute(&[5, 4, 3, 2, 1, 0]).unwrap();
    assert_eq!(reversed.shape(), &[3, 2, 2, 1, 3, 2]);
    for idx in indices(reversed.shape()) {
        let back: Vec<usize> = idx.iter().rev().copied().collect();
        assert_eq!(reversed.get(&idx).unwrap().to_f64(), flat(&back));
    }
    let sliced = a
        .slice(&[
            (..).into(),
            (1usize..3).into(),
            (..).into(),
            (..).into(),
            (..).into(),
            (..).into(),
        ])
        .unwrap();
    assert_eq!(sliced.shape(), &[2, 2, 1, 2, 2, 3]);
    for idx in indices(sliced.shape()) {
        let mut src = idx.clone();
        src[1] += 1;
        assert_eq!(sliced.get(&idx).unwrap().to_f64(), flat(&src));
    }
    let wide = a.broadcast_to(&[2, 2, 3, 4, 2, 2, 3]).unwrap();
    assert_eq!(wide.shape().len(), 7);
    for idx in indices(wide.shape()) {
        let mut src = idx[1..].to_vec();
        src[2] = 0;
        assert_eq!(wide.get(&idx).unwrap().to_f64(), flat(&src));
    }
    let copied = reversed.to_contiguous().unwrap().reshape(&[n]).unwrap();
    let want: Vec<f64> = indices(reversed.shape())
        .iter()
        .map(|idx| flat(&idx.iter().rev().copied().collect::<Vec<_>>()))
        .collect();
    assert_eq!(copied.to_vec::<f64>().unwrap(), want);
}
