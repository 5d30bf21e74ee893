//! Elementwise ops against hand-computed values: dtypes, broadcasting,
//! NumPy 2's scalar rules, in-place and `out=` forms, views.

use ndprof::{Array, BinaryOp, CompareOp, DType, ErrorKind, Scalar, Slice, UnaryOp};

fn f64s(a: &Array) -> Vec<f64> {
    a.to_vec::<f64>().unwrap()
}

#[test]
fn unary_values() {
    let a = Array::from_vec(vec![-4.0f64, 0.0, 1.0, 9.0]).unwrap();
    assert_eq!(f64s(&a.neg().unwrap()), vec![4.0, -0.0, -1.0, -9.0]);
    assert_eq!(f64s(&a.abs().unwrap()), vec![4.0, 0.0, 1.0, 9.0]);
    assert_eq!(f64s(&a.square().unwrap()), vec![16.0, 0.0, 1.0, 81.0]);
    let s = f64s(&a.sqrt().unwrap());
    assert!(s[0].is_nan());
    assert_eq!(&s[1..], &[0.0, 1.0, 3.0]);
    assert_eq!(f64s(&a.exp().unwrap())[1], 1.0);
    assert_eq!(f64s(&a.log().unwrap())[2], 0.0);
    assert_eq!(f64s(&a.sin().unwrap())[1], 0.0);
    assert_eq!(f64s(&a.cos().unwrap())[1], 1.0);
}

#[test]
fn unary_dtypes_follow_numpy() {
    let i = Array::from_vec(vec![4i32, 9]).unwrap();
    let r = i.sqrt().unwrap();
    assert_eq!(r.dtype(), DType::Float64);
    assert_eq!(f64s(&r), vec![2.0, 3.0]);
    let small = Array::from_vec(vec![4i16]).unwrap();
    assert_eq!(small.sqrt().unwrap().dtype(), DType::Float32);
    assert_eq!(i.square().unwrap().dtype(), DType::Int32);
    let m = Array::from_vec(vec![i8::MIN, -3]).unwrap();
    assert_eq!(m.abs().unwrap().to_vec::<i8>().unwrap(), vec![i8::MIN, 3]);
    let b = Array::from_vec(vec![true, false]).unwrap();
    assert_eq!(b.neg().unwrap_err().kind(), ErrorKind::DTypeMismatch);
    assert_eq!(b.square().unwrap().dtype(), DType::Int8);
}

#[test]
fn binary_values_and_promotion() {
    let a = Array::from_vec(vec![1i32, 2, 3]).unwrap();
    let b = Array::from_vec(vec![10i64, 20, 30]).unwrap();
    let s = a.add(&b).unwrap();
    assert_eq!(s.dtype(), DType::Int64);
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![11, 22, 33]);
    let f = Array::from_vec(vec![0.5f32, 0.5, 0.5]).unwrap();
    assert_eq!(a.mul(&f).unwrap().dtype(), DType::Float64);
    let u = Array::from_vec(vec![200u8]).unwrap();
    let i = Array::from_vec(vec![-1i8]).unwrap();
    let r = u.add(&i).unwrap();
    assert_eq!(r.dtype(), DType::Int16);
    assert_eq!(r.to_vec::<i16>().unwrap(), vec![199]);
    let big = Array::from_vec(vec![u64::MAX]).unwrap();
    assert_eq!(
        big.add(&Array::from_vec(vec![1i64]).unwrap())
            .unwrap()
            .dtype(),
        DType::Float64
    );
}

#[test]
fn integer_arithmetic_wraps_and_divides_like_numpy() {
    let a = Array::from_vec(vec![127i8, -128, 7, -7]).unwrap();
    let one = Array::from_vec(vec![1i8, 1, 2, 2]).unwrap();
    assert_eq!(
        a.add(&one).unwrap().to_vec::<i8>().unwrap(),
        vec![-128, -127, 9, -5]
    );
    let d = a.div(&one).unwrap();
    assert_eq!(d.dtype(), DType::Float64);
    assert_eq!(f64s(&d), vec![127.0, -128.0, 3.5, -3.5]);
    assert_eq!(
        a.floor_div(&one).unwrap().to_vec::<i8>().unwrap(),
        vec![127, -128, 3, -4]
    );
    let zero = Array::from_vec(vec![0i8; 4]).unwrap();
    assert_eq!(
        a.floor_div(&zero).unwrap().to_vec::<i8>().unwrap(),
        vec![0; 4]
    );
    let p = Array::from_vec(vec![2i64, 3]).unwrap();
    assert_eq!(
        p.pow(&Array::from_vec(vec![10i64, 3]).unwrap())
            .unwrap()
            .to_vec::<i64>()
            .unwrap(),
        vec![1024, 27]
    );
    let e = p
        .pow(&Array::from_vec(vec![-1i64, 1]).unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let f = Array::from_vec(vec![2.0f32]).unwrap();
    assert_eq!(f.div(&f).unwrap().dtype(), DType::Float32);
}

#[test]
fn maximum_minimum_propagate_nan() {
    let a = Array::from_vec(vec![1.0, f64::NAN, 3.0]).unwrap();
    let b = Array::from_vec(vec![2.0, 0.0, f64::NAN]).unwrap();
    let mx = f64s(&a.maximum(&b).unwrap());
    assert_eq!(mx[0], 2.0);
    assert!(mx[1].is_nan() && mx[2].is_nan());
    let mn = f64s(&a.minimum(&b).unwrap());
    assert_eq!(mn[0], 1.0);
    assert!(mn[1].is_nan() && mn[2].is_nan());
}

#[test]
fn bool_subtract_is_an_error() {
    let b = Array::from_vec(vec![true, false]).unwrap();
    assert_eq!(b.sub(&b).unwrap_err().kind(), ErrorKind::DTypeMismatch);
    assert_eq!(
        b.add(&b).unwrap().to_vec::<bool>().unwrap(),
        vec![true, false]
    );
}

#[test]
fn comparisons_give_bool() {
    let a = Array::from_vec(vec![1i32, 2, 3]).unwrap();
    let b = Array::from_vec(vec![3.0f64, 2.0, 1.0]).unwrap();
    let r = a.lt(&b).unwrap();
    assert_eq!(r.dtype(), DType::Bool);
    assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, false, false]);
    assert_eq!(
        a.compare(CompareOp::Eq, &b)
            .unwrap()
            .to_vec::<bool>()
            .unwrap(),
        vec![false, true, false]
    );
    assert_eq!(
        a.compare_scalar(CompareOp::Ge, 2)
            .unwrap()
            .to_vec::<bool>()
            .unwrap(),
        vec![false, true, true]
    );
    let n = Array::from_vec(vec![f64::NAN]).unwrap();
    assert_eq!(n.ne_elem(&n).unwrap().to_vec::<bool>().unwrap(), vec![true]);
}

#[test]
fn broadcasting_rules() {
    let m = Array::arange(0.0, 6.0, 1.0, DType::Float64)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap();
    let row = Array::from_vec(vec![10.0, 20.0, 30.0]).unwrap();
    let col = Array::from_shape_vec(&[2, 1], vec![100.0, 200.0]).unwrap();
    assert_eq!(
        f64s(&m.add(&row).unwrap()),
        vec![10.0, 21.0, 32.0, 13.0, 24.0, 35.0]
    );
    assert_eq!(
        f64s(&m.add(&col).unwrap()),
        vec![100.0, 101.0, 102.0, 203.0, 204.0, 205.0]
    );
    let outer = col.mul(&row).unwrap();
    assert_eq!(outer.shape(), &[2, 3]);
    assert_eq!(
        f64s(&outer),
        vec![1000.0, 2000.0, 3000.0, 2000.0, 4000.0, 6000.0]
    );
    let bad = Array::zeros(&[4], DType::Float64).unwrap();
    let e = m.add(&bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    assert_eq!(
        e.to_string(),
        "operands could not be broadcast together with shapes (2, 3) (4,)"
    );
}

#[test]
fn scalar_operands_follow_nep50() {
    let i = Array::from_vec(vec![1i32, 2]).unwrap();
    let r = i.mul_scalar(2i64).unwrap();
    assert_eq!(r.dtype(), DType::Int32);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![2, 4]);
    assert_eq!(i.mul_scalar(2.5).unwrap().dtype(), DType::Float64);
    let f = Array::from_vec(vec![1.0f32]).unwrap();
    assert_eq!(f.add_scalar(1.0f64).unwrap().dtype(), DType::Float32);
    let b = Array::from_vec(vec![true]).unwrap();
    assert_eq!(b.add_scalar(1).unwrap().dtype(), DType::Int64);
    let small = Array::from_vec(vec![1i8]).unwrap();
    assert_eq!(
        small.add_scalar(300).unwrap_err().kind(),
        ErrorKind::CastOverflow
    );
    let r =
        Array::scalar_binary(1.0, BinaryOp::Sub, &Array::from_vec(vec![0.25f64]).unwrap()).unwrap();
    assert_eq!(f64s(&r), vec![0.75]);
    assert_eq!(i.div_scalar(2).unwrap().dtype(), DType::Float64);
}

#[test]
fn out_and_inplace_forms() {
    let a = Array::from_vec(vec![1.0f64, 2.0, 3.0]).unwrap();
    let b = Array::from_vec(vec![1.0f64, 1.0, 1.0]).unwrap();
    let mut out = Array::zeros(&[3], DType::Float64).unwrap();
    a.binary_into(BinaryOp::Add, &b, &mut out).unwrap();
    assert_eq!(f64s(&out), vec![2.0, 3.0, 4.0]);
    let mut wrong = Array::zeros(&[3], DType::Float32).unwrap();
    assert_eq!(
        a.binary_into(BinaryOp::Add, &b, &mut wrong)
            .unwrap_err()
            .kind(),
        ErrorKind::DTypeMismatch
    );
    let mut short = Array::zeros(&[2], DType::Float64).unwrap();
    assert_eq!(
        a.unary_into(UnaryOp::Sqrt, &mut short).unwrap_err().kind(),
        ErrorKind::ShapeMismatch
    );

    let mut c = a.clone();
    c.binary_inplace(BinaryOp::Mul, &a).unwrap();
    assert_eq!(f64s(&c), vec![1.0, 4.0, 9.0]);
    assert_eq!(
        f64s(&a),
        vec![1.0, 2.0, 3.0],
        "copy-on-write keeps the original"
    );
    c.unary_inplace(UnaryOp::Sqrt).unwrap();
    assert_eq!(f64s(&c), vec![1.0, 2.0, 3.0]);
    c.binary_scalar_inplace(BinaryOp::Sub, 1).unwrap();
    assert_eq!(f64s(&c), vec![0.0, 1.0, 2.0]);

    let mut i = Array::from_vec(vec![1i32, 2]).unwrap();
    i.binary_inplace(BinaryOp::Add, &Array::from_vec(vec![1i64, 1]).unwrap())
        .unwrap();
    assert_eq!(
        (i.dtype(), i.to_vec::<i32>().unwrap()),
        (DType::Int32, vec![2, 3])
    );
    let e = i
        .binary_inplace(BinaryOp::Add, &Array::from_vec(vec![0.5f64, 0.5]).unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DTypeMismatch);
    assert_eq!(
        i.unary_inplace(UnaryOp::Sqrt).unwrap_err().kind(),
        ErrorKind::DTypeMismatch
    );
    let mut m = Array::zeros(&[2, 3], DType::Float64).unwrap();
    m.binary_inplace(
        BinaryOp::Add,
        &Array::from_vec(vec![1.0, 2.0, 3.0]).unwrap(),
    )
    .unwrap();
    assert_eq!(f64s(&m), vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
    assert_eq!(
        m.binary_inplace(
            BinaryOp::Add,
            &Array::zeros(&[3, 3], DType::Float64).unwrap()
        )
        .unwrap_err()
        .kind(),
        ErrorKind::ShapeMismatch
    );
}

#[test]
fn views_strided_and_reversed() {
    let a = Array::arange(0.0, 12.0, 1.0, DType::Float64)
        .unwrap()
        .reshape(&[3, 4])
        .unwrap();
    let t = a.t();
    assert!(!t.is_c_contiguous());
    assert_eq!(t.get(&[3, 2]).unwrap(), Scalar::F64(11.0));
    let sq = t.square().unwrap();
    assert_eq!(sq.shape(), &[4, 3]);
    assert_eq!(sq.get(&[1, 2]).unwrap(), Scalar::F64(81.0));
    let rev = a
        .slice(&[Slice::new(None, None, -1), Slice::new(Some(1), None, 2)])
        .unwrap();
    assert_eq!(rev.shape(), &[3, 2]);
    assert_eq!(
        f64s(&rev.to_contiguous().unwrap()),
        vec![9.0, 11.0, 5.0, 7.0, 1.0, 3.0]
    );
    assert_eq!(
        f64s(&rev.add_scalar(1.0).unwrap()),
        vec![10.0, 12.0, 6.0, 8.0, 2.0, 4.0]
    );
    let mut w = rev.clone();
    w.set(&[0, 0], 0.0).unwrap();
    assert_eq!(w.get(&[0, 0]).unwrap(), Scalar::F64(0.0));
    assert_eq!(
        a.get(&[2, 1]).unwrap(),
        Scalar::F64(9.0),
        "writes never show through views"
    );
    let empty = a.slice(&[(5..7usize).into()]).unwrap();
    assert_eq!(empty.shape(), &[0, 4]);
    assert_eq!(empty.square().unwrap().len(), 0);
    let p = Array::zeros(&[2, 3, 4], DType::Int8)
        .unwrap()
        .permute(&[2, 0, 1])
        .unwrap();
    assert_eq!(p.shape(), &[4, 2, 3]);
}

#[test]
fn operators_match_methods() {
    let a = Array::from_vec(vec![1.0f64, 2.0]).unwrap();
    let b = Array::from_vec(vec![3.0f64, 4.0]).unwrap();
    assert_eq!(&a + &b, a.add(&b).unwrap());
    assert_eq!(&a * 2.0, a.mul_scalar(2.0).unwrap());
    assert_eq!(-&a, a.neg().unwrap());
    let mut c = a.clone();
    c += &b;
    assert_eq!(f64s(&c), vec![4.0, 6.0]);
    assert_eq!(f64s(&(&b / &a)), vec![3.0, 2.0]);
}

#[test]
#[should_panic(expected = "operands could not be broadcast together with shapes (2,) (3,)")]
fn operators_panic_with_the_error_message() {
    let a = Array::zeros(&[2], DType::Float64).unwrap();
    let b = Array::zeros(&[3], DType::Float64).unwrap();
    let _ = &a + &b;
}

#[test]
fn large_arrays_take_the_parallel_path_with_the_same_values() {
    let n = 300_000;
    let a = Array::random_uniform(&[n], -1.0, 1.0, 7, DType::Float64).unwrap();
    let b = Array::random_uniform(&[n], -1.0, 1.0, 8, DType::Float64).unwrap();
    let s = a.add(&b).unwrap();
    let (av, bv, sv) = (
        a.as_slice::<f64>().unwrap(),
        b.as_slice::<f64>().unwrap(),
        s.as_slice::<f64>().unwrap(),
    );
    assert!(av.iter().zip(bv).zip(sv).all(|((x, y), z)| x + y == *z));
    let t = a.reshape(&[600, 500]).unwrap().t();
    let q = t.square().unwrap();
    let tv = t.view::<f64>().unwrap();
    assert!(q
        .view::<f64>()
        .unwrap()
        .iter()
        .zip(tv.iter())
        .all(|(q, t)| *q == t * t));
}
