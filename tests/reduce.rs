//! Reductions against hand-computed values and straightforward loops; dtype
//! rules; NaN handling; determinism across thread counts.

use ndprof::{Array, DType, ErrorKind, Scalar};

fn item(a: Array) -> Scalar {
    assert_eq!(a.ndim(), 0);
    a.item().unwrap()
}

#[test]
fn sums_and_means_with_numpy_dtypes() {
    let i = Array::from_vec(vec![i32::MAX, i32::MAX]).unwrap();
    assert_eq!(item(i.sum().unwrap()), Scalar::I64(2 * i32::MAX as i64));
    let u = Array::from_vec(vec![255u8, 1]).unwrap();
    assert_eq!(item(u.sum().unwrap()), Scalar::U64(256));
    let b = Array::from_vec(vec![true, true, false]).unwrap();
    assert_eq!(item(b.sum().unwrap()), Scalar::I64(2));
    assert_eq!(item(i.mean().unwrap()), Scalar::F64(i32::MAX as f64));
    let f = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
    assert_eq!(item(f.sum().unwrap()), Scalar::F32(10.0));
    assert_eq!(item(f.mean().unwrap()), Scalar::F32(2.5));
    let e = Array::zeros(&[0], DType::Float64).unwrap();
    assert_eq!(item(e.sum().unwrap()), Scalar::F64(0.0));
    assert!(item(e.mean().unwrap()).to_f64().is_nan());
}

#[test]
fn sum_is_accurate_on_large_inputs() {
    // 1e7 copies of 0.1: a naive serial f64 sum drifts by ~1e-4 relative here.
    let n = 10_000_000;
    let a = Array::full(&[n], 0.1f64).unwrap();
    let s = item(a.sum().unwrap()).to_f64();
    assert!((s - 1_000_000.0).abs() < 1e-6, "sum = {s}");
    let f = Array::full(&[n], 0.1f32).unwrap();
    let s = item(f.sum().unwrap()).to_f64();
    assert!((s - 1_000_000.0).abs() / 1e6 < 1e-4, "f32 sum = {s}");
}

#[test]
fn axis_reductions() {
    let a = Array::arange(0.0, 24.0, 1.0, DType::Int64)
        .unwrap()
        .reshape(&[2, 3, 4])
        .unwrap();
    let s0 = a.sum_axis(0).unwrap();
    assert_eq!(s0.shape(), &[3, 4]);
    assert_eq!(s0.get(&[1, 2]).unwrap(), Scalar::I64(6 + 18));
    let s1 = a.sum_axis(1).unwrap();
    assert_eq!(
        s1.to_vec::<i64>().unwrap(),
        vec![12, 15, 18, 21, 48, 51, 54, 57]
    );
    let s2 = a.sum_axis(2).unwrap();
    assert_eq!(s2.to_vec::<i64>().unwrap(), vec![6, 22, 38, 54, 70, 86]);
    let m = a.mean_axis(2).unwrap();
    assert_eq!(
        m.to_vec::<f64>().unwrap(),
        vec![1.5, 5.5, 9.5, 13.5, 17.5, 21.5]
    );
    assert_eq!(
        a.max_axis(1).unwrap().to_vec::<i64>().unwrap(),
        vec![8, 9, 10, 11, 20, 21, 22, 23]
    );
    assert_eq!(
        a.min_axis(0).unwrap().get(&[2, 3]).unwrap(),
        Scalar::I64(11)
    );
    assert_eq!(
        a.argmax_axis(1).unwrap().to_vec::<i64>().unwrap(),
        vec![2; 8]
    );
    assert_eq!(
        a.argmin_axis(2).unwrap().to_vec::<i64>().unwrap(),
        vec![0; 6]
    );
    // On a transposed view the axes follow the view.
    let t = a.t();
    assert_eq!(
        t.sum_axis(2).unwrap(),
        a.sum_axis(0).unwrap().t().to_contiguous().unwrap()
    );
    assert_eq!(
        a.sum_axis(3).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn min_max_propagate_nan_and_arg_returns_first_nan() {
    let a = Array::from_vec(vec![3.0, 1.0, f64::NAN, 0.5, f64::NAN]).unwrap();
    assert!(item(a.min().unwrap()).to_f64().is_nan());
    assert!(item(a.max().unwrap()).to_f64().is_nan());
    assert_eq!(a.argmin().unwrap(), 2);
    assert_eq!(a.argmax().unwrap(), 2);
    let b = Array::from_vec(vec![3.0, 1.0, 5.0, 1.0, 5.0]).unwrap();
    assert_eq!(item(b.min().unwrap()), Scalar::F64(1.0));
    assert_eq!(item(b.max().unwrap()), Scalar::F64(5.0));
    assert_eq!((b.argmin().unwrap(), b.argmax().unwrap()), (1, 2));
    let m = Array::from_shape_vec(&[2, 2], vec![1.0, f64::NAN, 2.0, 0.0]).unwrap();
    let mx = m.max_axis(0).unwrap().to_vec::<f64>().unwrap();
    assert_eq!(mx[0], 2.0);
    assert!(mx[1].is_nan());
    assert_eq!(
        m.argmax_axis(1).unwrap().to_vec::<i64>().unwrap(),
        vec![1, 0]
    );
    let e = Array::zeros(&[0], DType::Float64).unwrap();
    assert_eq!(e.min().unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.argmax().unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn large_min_max_and_argmax_match_loops() {
    let n = 1_000_003;
    let a = Array::random_normal(&[n], 0.0, 1.0, 3, DType::Float64).unwrap();
    let v = a.to_vec::<f64>().unwrap();
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(item(a.max().unwrap()).to_f64(), max);
    assert_eq!(item(a.min().unwrap()).to_f64(), min);
    assert_eq!(v[a.argmax().unwrap()], max);
    assert_eq!(v[a.argmin().unwrap()], min);
}

#[test]
fn reductions_are_bit_identical_at_any_thread_count() {
    let a = Array::random_normal(&[3_000_017], 0.0, 1.0, 11, DType::Float64).unwrap();
    let m = a
        .slice(&[(0..3_000_000usize).into()])
        .unwrap()
        .reshape(&[1000, 3000])
        .unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            (
                item(a.sum().unwrap()).to_f64().to_bits(),
                item(a.mean().unwrap()).to_f64().to_bits(),
                m.sum_axis(1).unwrap().to_vec::<f64>().unwrap(),
                m.sum_axis(0).unwrap().to_vec::<f64>().unwrap(),
            )
        })
    };
    let one = run(1);
    for t in [2, 3, 8] {
        assert_eq!(run(t), one, "{t} threads");
    }
}
