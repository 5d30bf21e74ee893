//! Creation, casting, scalar access, growth and typed views.

use ndprof::{Array, BinaryOp, Casting, DType, ErrorKind, Scalar, Slice};

#[test]
fn creation_values() {
    assert_eq!(
        Array::ones(&[2], DType::Int16)
            .unwrap()
            .to_vec::<i16>()
            .unwrap(),
        vec![1, 1]
    );
    assert_eq!(
        Array::ones(&[1], DType::Bool)
            .unwrap()
            .to_vec::<bool>()
            .unwrap(),
        vec![true]
    );
    assert_eq!(
        Array::full(&[2, 2], 7u8).unwrap().to_vec::<u8>().unwrap(),
        vec![7; 4]
    );
    assert_eq!(
        Array::arange(5.0, 0.0, -2.0, DType::Int64)
            .unwrap()
            .to_vec::<i64>()
            .unwrap(),
        vec![5, 3, 1]
    );
    assert_eq!(
        Array::arange(0.0, 1.0, 0.25, DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        vec![0.0, 0.25, 0.5, 0.75]
    );
    assert_eq!(Array::arange(0.0, -1.0, 1.0, DType::Int8).unwrap().len(), 0);
    assert_eq!(
        Array::linspace(0.0, 1.0, 3, DType::Float32)
            .unwrap()
            .to_vec::<f32>()
            .unwrap(),
        vec![0.0, 0.5, 1.0]
    );
    let l = Array::linspace(0.0, 0.3, 7, DType::Float64)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(l[6], 0.3, "the end point is exact");
    let s = Array::scalar(2.5f64).unwrap();
    assert_eq!((s.ndim(), s.item().unwrap()), (0, Scalar::F64(2.5)));
}

#[test]
fn random_arrays_are_seeded_and_plausible() {
    let a = Array::random_uniform(&[100_000], 2.0, 4.0, 9, DType::Float64).unwrap();
    assert_eq!(
        a,
        Array::random_uniform(&[100_000], 2.0, 4.0, 9, DType::Float64).unwrap()
    );
    assert_ne!(
        a,
        Array::random_uniform(&[100_000], 2.0, 4.0, 10, DType::Float64).unwrap()
    );
    let v = a.to_vec::<f64>().unwrap();
    assert!(v.iter().all(|&x| (2.0..4.0).contains(&x)));
    let mean = a.mean().unwrap().item().unwrap().to_f64();
    assert!((mean - 3.0).abs() < 0.01, "{mean}");
    let n = Array::random_normal(&[200_000], 1.0, 2.0, 5, DType::Float32).unwrap();
    let m = n.mean().unwrap().item().unwrap().to_f64();
    let var = n
        .sub_scalar(m)
        .unwrap()
        .square()
        .unwrap()
        .mean()
        .unwrap()
        .item()
        .unwrap()
        .to_f64();
    assert!(
        (m - 1.0).abs() < 0.02 && (var.sqrt() - 2.0).abs() < 0.02,
        "{m} {var}"
    );
}

#[test]
fn astype_unsafe_and_safe() {
    let a = Array::from_vec(vec![-1.7f64, 0.0, 2.9, 300.0]).unwrap();
    assert_eq!(
        a.astype(DType::Int32, Casting::Unsafe)
            .unwrap()
            .to_vec::<i32>()
            .unwrap(),
        vec![-1, 0, 2, 300]
    );
    assert_eq!(
        a.astype(DType::UInt8, Casting::Unsafe)
            .unwrap()
            .to_vec::<u8>()
            .unwrap(),
        vec![255, 0, 2, 44]
    );
    assert_eq!(
        a.astype(DType::Bool, Casting::Unsafe)
            .unwrap()
            .to_vec::<bool>()
            .unwrap(),
        vec![true, false, true, true]
    );
    let ok = Array::from_vec(vec![1.0f64, -2.0])
        .unwrap()
        .astype(DType::Int8, Casting::Safe)
        .unwrap();
    assert_eq!(ok.to_vec::<i8>().unwrap(), vec![1, -2]);
    let t = Array::arange(0.0, 6.0, 1.0, DType::Int64)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap()
        .t();
    let c = t.astype(DType::Float32, Casting::Safe).unwrap();
    assert_eq!(c.shape(), &[3, 2]);
    assert_eq!(
        c.to_vec::<f32>().unwrap(),
        vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    );
}

#[test]
fn get_set_and_zero_d() {
    let mut a = Array::zeros(&[2, 2], DType::Int32).unwrap();
    a.set(&[1, 1], 5).unwrap();
    a.set(&[0, 1], 2.9).unwrap();
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![0, 2, 0, 5]);
    let mut z = Array::scalar(1u16).unwrap();
    z.set(&[], 9u16).unwrap();
    assert_eq!(z.get(&[]).unwrap(), Scalar::U16(9));
}

#[test]
fn append_flattens_in_c_order_whatever_the_layouts_and_promotes_dtypes() {
    let n = Array::from_shape_vec(&[2, 3], vec![1i32, 2, 3, 4, 5, 6]).unwrap();
    let f = Array::from_vec(vec![0.5f64, 1.5]).unwrap();
    let scalar = Array::scalar(7i64).unwrap();
    let empty = Array::zeros(&[0], DType::Int32).unwrap();
    // Contiguous, transposed (not contiguous), 0-d and empty inputs: the
    // result is always ravel(a) then ravel(b), in the promoted dtype.
    let cases: Vec<(Array, Array, DType, Vec<f64>)> = vec![
        (
            n.clone(),
            f.clone(),
            DType::Float64,
            vec![1., 2., 3., 4., 5., 6., 0.5, 1.5],
        ),
        (
            n.t(),
            f.clone(),
            DType::Float64,
            vec![1., 4., 2., 5., 3., 6., 0.5, 1.5],
        ),
        (
            f.clone(),
            n.t(),
            DType::Float64,
            vec![0.5, 1.5, 1., 4., 2., 5., 3., 6.],
        ),
        (
            n.clone(),
            scalar.clone(),
            DType::Int64,
            vec![1., 2., 3., 4., 5., 6., 7.],
        ),
        (scalar.clone(), scalar, DType::Int64, vec![7., 7.]),
        (empty.clone(), empty, DType::Int32, vec![]),
    ];
    for (a, b, dtype, want) in cases {
        let c = a.append(&b).unwrap();
        assert_eq!((c.shape(), c.dtype()), (&[want.len()][..], dtype));
        assert_eq!(
            c.astype(DType::Float64, Casting::Unsafe)
                .unwrap()
                .to_vec::<f64>()
                .unwrap(),
            want
        );
    }
    // A slice with an offset into its buffer.
    let tail = n.ravel().unwrap().slice(&[(3usize..6).into()]).unwrap();
    let c = tail.append(&tail).unwrap();
    assert_eq!(c.to_vec::<i32>().unwrap(), vec![4, 5, 6, 4, 5, 6]);
}

#[test]
fn growth_and_concatenate() {
    let mut a = Array::with_capacity(DType::Int32, 0).unwrap();
    for i in 0..20 {
        a.push(i).unwrap();
    }
    assert_eq!(a.to_vec::<i32>().unwrap(), (0..20).collect::<Vec<_>>());
    let b = a.append(&Array::from_vec(vec![1.5f64]).unwrap()).unwrap();
    assert_eq!((b.len(), b.dtype()), (21, DType::Float64));
    let m = Array::from_shape_vec(&[1, 2], vec![1i64, 2]).unwrap();
    let n = Array::from_shape_vec(&[2, 2], vec![3i64, 4, 5, 6]).unwrap();
    let c = Array::concatenate(&[&m, &n], 0).unwrap();
    assert_eq!(
        (c.shape(), c.to_vec::<i64>().unwrap()),
        (&[3usize, 2][..], vec![1, 2, 3, 4, 5, 6])
    );
    let d = Array::concatenate(&[&n, &n.t()], 1).unwrap();
    assert_eq!(d.to_vec::<i64>().unwrap(), vec![3, 4, 3, 5, 5, 6, 4, 6]);
    // A pushed-to view copies once and leaves the original alone.
    let base = Array::from_vec(vec![1.0f64, 2.0, 3.0]).unwrap();
    let mut v = base.slice(&[(1..3usize).into()]).unwrap();
    v.push(4.0).unwrap();
    assert_eq!(v.to_vec::<f64>().unwrap(), vec![2.0, 3.0, 4.0]);
    assert_eq!(base.to_vec::<f64>().unwrap(), vec![1.0, 2.0, 3.0]);
}

#[test]
fn typed_views_and_ndarray_conversion() {
    let mut a = Array::from_shape_vec(&[2, 3], vec![1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    {
        let mut v = a.view_mut::<f64>().unwrap();
        v[[1, 2]] = 60.0;
    }
    assert_eq!(a.as_slice::<f64>().unwrap()[5], 60.0);
    a.as_slice_mut::<f64>().unwrap()[0] = 10.0;
    let nd = a.to_ndarray::<f64>().unwrap();
    assert_eq!(nd[[0, 0]], 10.0);
    let back = Array::from_ndarray(&nd.t()).unwrap();
    assert_eq!(back.shape(), &[3, 2]);
    assert_eq!(back.get(&[2, 1]).unwrap(), Scalar::F64(60.0));
    assert!(
        a.t().as_slice::<f64>().is_err(),
        "a transposed view is not contiguous"
    );
    assert_eq!(
        format!("{}", Array::from_vec(vec![1i8, 2]).unwrap()),
        "array([1, 2], dtype=int8)"
    );
}

#[test]
fn set_slice_writes_a_region_with_broadcasting_and_value_semantics() {
    let mut u = Array::zeros(&[3, 4], DType::Float64).unwrap();
    let inner = [
        Slice::new(Some(1), Some(-1), 1),
        Slice::new(Some(1), Some(-1), 1),
    ];
    // A row broadcasts over the region.
    let row = Array::from_vec(vec![1.0f64, 2.0]).unwrap();
    u.set_slice(&inner, &row).unwrap();
    assert_eq!(
        u.to_vec::<f64>().unwrap(),
        vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    // The value may be a view of the array itself: it is read as it was.
    let first_row = u.slice(&[(1..2usize).into()]).unwrap();
    let keep = u.clone();
    u.set_slice(&[(0..1usize).into()], &first_row).unwrap();
    assert_eq!(
        u.slice(&[(0..1usize).into()])
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        vec![0.0, 1.0, 2.0, 0.0]
    );
    assert_eq!(
        keep.get(&[0, 1]).unwrap(),
        Scalar::F64(0.0),
        "clones are values"
    );
    // Negative steps write in reverse.
    let mut v = Array::zeros(&[4], DType::Int32).unwrap();
    let src = Array::arange(1.0, 5.0, 1.0, DType::Int32).unwrap();
    v.set_slice(&[Slice::new(None, None, -1)], &src).unwrap();
    assert_eq!(v.to_vec::<i32>().unwrap(), vec![4, 3, 2, 1]);
    // Ints into floats are fine; floats into ints and bad shapes are errors.
    u.set_slice(&inner, &Array::from_vec(vec![7i64, 8]).unwrap())
        .unwrap();
    let e = v
        .set_slice(
            &[(0..2usize).into()],
            &Array::from_vec(vec![1.5f64, 2.5]).unwrap(),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DTypeMismatch);
    let e = u
        .set_slice(&inner, &Array::ones(&[3], DType::Float64).unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    assert!(
        e.to_string().contains("(3,)") && e.to_string().contains("(1, 2)"),
        "{e}"
    );
}

#[test]
fn binary_scalar_into_checks_its_output() {
    let a = Array::arange(0.0, 4.0, 1.0, DType::Float64).unwrap();
    let mut out = Array::zeros(&[4], DType::Float64).unwrap();
    a.binary_scalar_into(BinaryOp::Mul, 2.0, &mut out).unwrap();
    assert_eq!(out.to_vec::<f64>().unwrap(), vec![0.0, 2.0, 4.0, 6.0]);
    let mut wrong = Array::zeros(&[4], DType::Float32).unwrap();
    let e = a
        .binary_scalar_into(BinaryOp::Mul, 2.0, &mut wrong)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DTypeMismatch);
    let mut short = Array::zeros(&[3], DType::Float64).unwrap();
    let e = a
        .binary_scalar_into(BinaryOp::Mul, 2.0, &mut short)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    // A strided input goes row by row into the output.
    let m = Array::arange(0.0, 6.0, 1.0, DType::Float64)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap();
    let mut t = Array::zeros(&[3, 2], DType::Float64).unwrap();
    m.t()
        .binary_scalar_into(BinaryOp::Add, 1.0, &mut t)
        .unwrap();
    assert_eq!(
        t.to_vec::<f64>().unwrap(),
        vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
    );
    assert_eq!(
        m.t().copy().unwrap().to_vec::<f64>().unwrap(),
        vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    );
}

#[test]
fn serial_keeps_work_on_the_calling_thread_with_the_same_results() {
    let x = Array::random_uniform(&[1 << 19], 0.0, 1.0, 3, DType::Float64).unwrap();
    let par = (x.square().unwrap(), x.sum().unwrap());
    let ser = ndprof::ops::parallel::serial(|| (x.square().unwrap(), x.sum().unwrap()));
    assert_eq!(par.0, ser.0);
    assert_eq!(
        par.1, ser.1,
        "reductions are bit-identical at any thread count"
    );
}
