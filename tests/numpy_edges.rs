//! Values at the edges, against what NumPy 2.4 gives (the expected values
//! below were computed with NumPy): exact integer comparisons across
//! signedness, float-to-int casts of NaN and infinities, integer
//! `linspace`, and stores that NumPy refuses.

use ndprof::{Array, Casting, CompareOp, DType, ErrorKind};

fn bools(a: &Array) -> Vec<bool> {
    a.to_vec::<bool>().unwrap()
}

#[test]
fn uint64_and_int64_compare_exactly() {
    let big = 1u64 << 53;
    let u = Array::from_vec(vec![big + 1, 5]).unwrap();
    let i = Array::from_vec(vec![big as i64, 5]).unwrap();
    // uint64 [2^53+1, 5] == int64 [2^53, 5] -> [False, True]
    assert_eq!(bools(&u.compare(CompareOp::Eq, &i).unwrap()), [false, true]);
    assert_eq!(bools(&i.compare(CompareOp::Eq, &u).unwrap()), [false, true]);
    // int64 [2^53, 2^63-1] < uint64 [2^53+1, 2^64-1] -> [True, True]
    let i = Array::from_vec(vec![big as i64, i64::MAX]).unwrap();
    let u = Array::from_vec(vec![big + 1, u64::MAX]).unwrap();
    assert_eq!(bools(&i.compare(CompareOp::Lt, &u).unwrap()), [true, true]);
    assert_eq!(bools(&u.compare(CompareOp::Gt, &i).unwrap()), [true, true]);
    // Negative int8 against uint64, broadcast.
    let n = Array::from_vec(vec![-1i8, 3]).unwrap();
    let m = Array::from_vec(vec![u64::MAX]).unwrap();
    assert_eq!(bools(&n.compare(CompareOp::Lt, &m).unwrap()), [true, true]);
    assert_eq!(
        bools(&n.compare(CompareOp::Ge, &m).unwrap()),
        [false, false]
    );
}

#[test]
fn int64_against_an_out_of_range_scalar_compares_exactly() {
    let a = Array::from_vec(vec![i64::MAX, 0]).unwrap();
    let s = 1u64 << 63;
    assert_eq!(
        bools(&a.compare_scalar(CompareOp::Lt, s).unwrap()),
        [true, true]
    );
    assert_eq!(
        bools(&a.compare_scalar(CompareOp::Eq, s).unwrap()),
        [false, false]
    );
    assert_eq!(
        bools(&a.compare_scalar(CompareOp::Ne, s).unwrap()),
        [true, true]
    );
    let u = Array::from_vec(vec![0u8, 200]).unwrap();
    assert_eq!(
        bools(&u.compare_scalar(CompareOp::Gt, -1i64).unwrap()),
        [true, true]
    );
}

#[test]
fn float_to_int_casts_take_infinities_to_the_limits_and_nan_to_zero() {
    let a = Array::from_vec(vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        2.5,
        7.9,
        -7.9,
    ])
    .unwrap();
    let i8s = a.astype(DType::Int8, Casting::Unsafe).unwrap();
    assert_eq!(i8s.to_vec::<i8>().unwrap(), [0, 127, -128, 2, 7, -7]);
    let i32s = a.astype(DType::Int32, Casting::Unsafe).unwrap();
    assert_eq!(
        i32s.to_vec::<i32>().unwrap(),
        [0, i32::MAX, i32::MIN, 2, 7, -7]
    );
    let i64s = a.astype(DType::Int64, Casting::Unsafe).unwrap();
    assert_eq!(
        i64s.to_vec::<i64>().unwrap(),
        [0, i64::MAX, i64::MIN, 2, 7, -7]
    );
    let u8s = a.astype(DType::UInt8, Casting::Unsafe).unwrap();
    assert_eq!(u8s.to_vec::<u8>().unwrap(), [0, 255, 0, 2, 7, 249]);
    // Finite values truncate, then wrap (NumPy on x86: 300.7 -> 44 as int8).
    let big = Array::from_vec(vec![300.7, -300.7, 1e20]).unwrap();
    assert_eq!(
        big.astype(DType::Int8, Casting::Unsafe)
            .unwrap()
            .to_vec::<i8>()
            .unwrap(),
        [44, -44, 0]
    );
    assert!(a.astype(DType::Int8, Casting::Safe).is_err());
}

#[test]
fn integer_linspace_takes_the_floor() {
    // np.linspace(-5, 0, 4, dtype=np.int64) -> [-5, -4, -2, 0]
    let a = Array::linspace(-5.0, 0.0, 4, DType::Int64).unwrap();
    assert_eq!(a.to_vec::<i64>().unwrap(), [-5, -4, -2, 0]);
    // np.linspace(0, 5, 4, dtype=np.int32) -> [0, 1, 3, 5]
    let a = Array::linspace(0.0, 5.0, 4, DType::Int32).unwrap();
    assert_eq!(a.to_vec::<i32>().unwrap(), [0, 1, 3, 5]);
    let f = Array::linspace(-5.0, 0.0, 4, DType::Float64).unwrap();
    assert!((f.to_vec::<f64>().unwrap()[1] + 10.0 / 3.0).abs() < 1e-12);
}

#[test]
fn stores_numpy_refuses_are_errors_and_change_nothing() {
    let mut a = Array::from_vec(vec![1i32, 2]).unwrap();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e20, -3e9] {
        let e = a.set(&[0], bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::CastOverflow, "{bad}: {e}");
    }
    assert_eq!(a.to_vec::<i32>().unwrap(), [1, 2]);
    let mut b = Array::from_vec(vec![0i8]).unwrap();
    assert!(b.set(&[0], 1e20).is_err());
    assert!(b.set(&[0], 127.9).is_ok());
    assert!(b.set(&[0], -128.9).is_ok());
    assert!(b.set(&[0], 128.0).is_err());
    assert_eq!(b.to_vec::<i8>().unwrap(), [-128]);
    let mut u = Array::from_vec(vec![0u64]).unwrap();
    assert!(u.set(&[0], 18446744073709549568.0).is_ok()); // largest f64 below 2^64
    assert!(u.set(&[0], 18446744073709551616.0).is_err()); // 2^64
    let mut p = Array::from_vec(Vec::<i16>::new()).unwrap();
    assert!(p.push(f64::NAN).is_err() && p.push(1e9).is_err());
    p.push(3.7).unwrap();
    assert_eq!(p.to_vec::<i16>().unwrap(), [3]);
    // Floats and bools take anything.
    let mut f = Array::from_vec(vec![0.0f32]).unwrap();
    f.set(&[0], f64::NAN).unwrap();
    assert!(f.to_vec::<f32>().unwrap()[0].is_nan());
}

#[test]
fn remainder_takes_the_sign_of_the_divisor() {
    // np.remainder([-7, 7, -7, 7, 5], [3, -3, -3, 3, 0]) -> [2, -2, -1, 1, 0]
    let a = Array::from_vec(vec![-7i64, 7, -7, 7, 5]).unwrap();
    let b = Array::from_vec(vec![3i64, -3, -3, 3, 0]).unwrap();
    assert_eq!(
        a.remainder(&b).unwrap().to_vec::<i64>().unwrap(),
        [2, -2, -1, 1, 0]
    );
    assert_eq!((&a % &b).to_vec::<i64>().unwrap(), [2, -2, -1, 1, 0]);
    let m = Array::from_vec(vec![i8::MIN]).unwrap();
    assert_eq!(
        m.remainder_scalar(-1i64).unwrap().to_vec::<i8>().unwrap(),
        [0]
    );
    // np.remainder([-7.5, 7.5, 5.0, -0.0, 6.0], [2, -2, 0, 3, -3])
    //   -> [0.5, -0.5, nan, 0.0, -0.0]
    let x = Array::from_vec(vec![-7.5, 7.5, 5.0, -0.0, 6.0]).unwrap();
    let y = Array::from_vec(vec![2.0, -2.0, 0.0, 3.0, -3.0]).unwrap();
    let r = x.remainder(&y).unwrap().to_vec::<f64>().unwrap();
    assert_eq!((r[0], r[1]), (0.5, -0.5));
    assert!(r[2].is_nan());
    assert!(r[3] == 0.0 && r[3].is_sign_positive());
    assert!(r[4] == 0.0 && r[4].is_sign_negative());
    let t = Array::from_vec(vec![true, false]).unwrap();
    let r = t.remainder(&t).unwrap();
    assert_eq!(r.dtype(), DType::Int8);
    assert_eq!(r.to_vec::<i8>().unwrap(), [0, 0]);
    // Mixed: uint8 % -3 (weak scalar out of range) is an error, as NumPy 2.
    let u = Array::from_vec(vec![7u8]).unwrap();
    assert!(u.remainder_scalar(-3i64).is_err());
    let mut w = Array::from_vec(vec![10i32, -10]).unwrap();
    w %= &Array::from_vec(vec![4i32]).unwrap();
    assert_eq!(w.to_vec::<i32>().unwrap(), [2, 2]);
}

#[test]
fn broadcast_views_share_the_buffer_and_refuse_writes() {
    let col = Array::from_shape_vec(&[3, 1], vec![1i32, 2, 3]).unwrap();
    let b = col.broadcast_to(&[2, 3, 4]).unwrap();
    assert_eq!(b.shape(), &[2, 3, 4]);
    assert!(b.shares_buffer() && !b.is_writable());
    let v = b.to_vec::<i32>().unwrap();
    assert_eq!(&v[..8], &[1, 1, 1, 1, 2, 2, 2, 2]);
    assert_eq!(v.len(), 24);
    // Reads and new arrays from it work; sums see every repeat.
    assert_eq!(b.sum().unwrap().item().unwrap().to_f64(), 2.0 * 4.0 * 6.0);
    let mut b2 = b.clone();
    drop(b);
    assert_eq!(
        b2.set(&[0, 0, 0], 5).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert!(b2.as_slice_mut::<i32>().is_err());
    let one = Array::from_vec(vec![1i32]).unwrap();
    assert!(b2.binary_inplace(ndprof::BinaryOp::Add, &one).is_err());
    assert_eq!(
        col.to_vec::<i32>().unwrap(),
        [1, 2, 3],
        "the source is never written"
    );
    let mut c = b2.to_contiguous().unwrap();
    assert!(c.is_writable());
    c.set(&[0, 0, 0], 5).unwrap();
    // Shapes that do not broadcast, and sizes that overflow.
    assert_eq!(
        col.broadcast_to(&[3, 2, 2]).unwrap_err().kind(),
        ErrorKind::ShapeMismatch
    );
    assert_eq!(
        col.broadcast_to(&[3]).unwrap_err().kind(),
        ErrorKind::ShapeMismatch
    );
    assert!(col.broadcast_to(&[usize::MAX, 3, 2]).is_err());
    let s = Array::scalar(7.0).unwrap().broadcast_to(&[0, 5]).unwrap();
    assert_eq!(s.len(), 0);
}

#[test]
fn maximum_and_minimum_of_equal_values_give_the_second_as_numpy() {
    use ndprof::BinaryOp::{Maximum, Minimum};
    let signs = |a: &Array| -> Vec<bool> {
        a.to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|x| x.is_sign_negative())
            .collect()
    };
    // np.maximum([0.0, -0.0], [-0.0, 0.0]) -> [-0.0, 0.0]; minimum the same.
    let a = Array::from_vec(vec![0.0f64, -0.0]).unwrap();
    let b = Array::from_vec(vec![-0.0f64, 0.0]).unwrap();
    for op in [Maximum, Minimum] {
        assert_eq!(signs(&a.binary(op, &b).unwrap()), [true, false], "{op:?}");
    }
    // An int array against float zeros: the ints become 0.0, the float wins.
    let z = Array::from_vec(vec![0i32, 0]).unwrap();
    assert_eq!(signs(&z.binary(Maximum, &b).unwrap()), [true, false]);
    assert_eq!(signs(&b.binary(Minimum, &z).unwrap()), [false, false]);
    // Reductions keep the last of equal values, as NumPy's on short rows:
    // np.min([1.0, 0.0, -0.0]) is -0.0, np.max([-0.0, 0.0]) is 0.0.
    let row = Array::from_vec(vec![1.0f64, 0.0, -0.0]).unwrap();
    assert!(row
        .min()
        .unwrap()
        .item()
        .unwrap()
        .to_f64()
        .is_sign_negative());
    let m = row.reshape(&[1, 3]).unwrap();
    assert_eq!(signs(&m.min_axis(1).unwrap()), [true]);
    assert_eq!(signs(&b.max().unwrap().reshape(&[1]).unwrap()), [false]);
    // NaN still wins either way.
    let n = Array::from_vec(vec![f64::NAN, 1.0]).unwrap();
    let one = Array::from_vec(vec![1.0f64, f64::NAN]).unwrap();
    let m = n.binary(Maximum, &one).unwrap().to_vec::<f64>().unwrap();
    assert!(m[0].is_nan() && m[1].is_nan());
}

#[test]
fn integer_true_division_by_an_out_of_range_integer_scalar_is_no_error() {
    use ndprof::BinaryOp::{Add, Div};
    // np.array([3, -6], dtype=np.int8) / 300 -> [0.01, -0.02] (float64);
    // np.array([2], dtype=np.uint8) / -1 -> [-2.0]; but int8 + 300 overflows.
    let a = Array::from_vec(vec![3i8, -6]).unwrap();
    let q = a.binary_scalar(Div, 300i64).unwrap();
    assert_eq!(q.dtype(), DType::Float64);
    assert_eq!(q.to_vec::<f64>().unwrap(), [3.0 / 300.0, -6.0 / 300.0]);
    let r = Array::scalar_binary(300i64, Div, &a).unwrap();
    assert_eq!(r.to_vec::<f64>().unwrap(), [100.0, -50.0]);
    let u = Array::from_vec(vec![2u8]).unwrap();
    assert_eq!(
        u.binary_scalar(Div, -1i64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        [-2.0]
    );
    assert_eq!(
        a.binary_scalar(Add, 300i64).unwrap_err().kind(),
        ErrorKind::CastOverflow
    );
    // In place, the float64 quotient cannot go back into int8, as NumPy.
    let mut c = a.clone();
    assert!(c.binary_scalar_inplace(Div, 300i64).is_err());
}

#[test]
fn arange_follows_numpys_first_two_values_then_their_difference() {
    let i8s = |a: f64, b: f64, s: f64| {
        Array::arange(a, b, s, DType::Int8)
            .and_then(|x| x.to_vec::<i8>())
            .map_err(|e| e.kind())
    };
    // np.arange(0.5, 5.0, 1.5, dtype=np.int8) -> [0, 2, 4] (not [0, 2, 3]).
    assert_eq!(i8s(0.5, 5.0, 1.5), Ok(vec![0, 2, 4]));
    // np.arange(-2.5, 2.5, 0.5, dtype=np.int8): -2 and -2, so ten -2s.
    assert_eq!(i8s(-2.5, 2.5, 0.5), Ok(vec![-2; 10]));
    // Values past the first two wrap; the first two must fit.
    assert_eq!(i8s(126.0, 130.0, 1.0), Ok(vec![126, 127, -128, -127]));
    assert_eq!(i8s(127.0, 130.0, 1.0), Err(ErrorKind::CastOverflow));
    assert_eq!(i8s(127.0, 128.0, 1.0), Ok(vec![127]));
    assert_eq!(i8s(300.0, 310.0, 1.0), Err(ErrorKind::CastOverflow));
    let u8s = |a: f64, b: f64, s: f64| {
        Array::arange(a, b, s, DType::UInt8)
            .and_then(|x| x.to_vec::<u8>())
            .map_err(|e| e.kind())
    };
    // np.arange(1, -3, -1, dtype=np.uint8) -> [1, 0, 255, 254]; from -3 an error.
    assert_eq!(u8s(1.0, -3.0, -1.0), Ok(vec![1, 0, 255, 254]));
    assert_eq!(u8s(-3.0, 3.0, 1.0), Err(ErrorKind::CastOverflow));
    assert_eq!(u8s(-0.5, 1.0, 0.5), Ok(vec![0, 0, 0]));
    // int64's maximum, 2^63 - 1, rounds to 2^63 as a float: out of range.
    let big = 9_223_372_036_854_775_808.0;
    assert!(Array::arange(big, big + 4096.0, 2048.0, DType::Int64).is_err());
    assert_eq!(
        Array::arange(0.0, 2e19, 1.5e19, DType::UInt64)
            .unwrap()
            .to_vec::<u64>()
            .unwrap(),
        [0, 15_000_000_000_000_000_000]
    );
    // Floats: first + i * (second - first), in the dtype's arithmetic.
    // np.arange(0, 1, 0.3).tolist() -> [0.0, 0.3, 0.6, 0.8999999999999999]
    let f = Array::arange(0.0, 1.0, 0.3, DType::Float64).unwrap();
    assert_eq!(
        f.to_vec::<f64>().unwrap(),
        [0.0, 0.3, 0.6, 0.8999999999999999]
    );
    // float32: 1e8 + 3.3 rounds to 1e8, so the step is 0: thirteen 1e8s.
    let g = Array::arange(1e8, 1e8 + 40.0, 3.3, DType::Float32).unwrap();
    assert_eq!(g.to_vec::<f32>().unwrap(), [1e8f32; 13]);
    // Bool: at most two values, as NumPy.
    let b = Array::arange(1.0, 3.0, 1.0, DType::Bool).unwrap();
    assert_eq!(b.to_vec::<bool>().unwrap(), [true, true]);
    assert_eq!(
        Array::arange(0.0, 10.0, 3.0, DType::Bool)
            .unwrap_err()
            .kind(),
        ErrorKind::DTypeMismatch
    );
}
