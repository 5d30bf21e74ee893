//! Every error kind is reachable from bad input and names what was wrong.

use ndprof::{Array, Casting, DType, ErrorKind, Slice};

#[test]
fn shape_mismatch() {
    let a = Array::zeros(&[3], DType::Float64).unwrap();
    let b = Array::zeros(&[4], DType::Float64).unwrap();
    let e = a.add(&b).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    assert_eq!(
        e.to_string(),
        "operands could not be broadcast together with shapes (3,) (4,)"
    );
    let e = a.reshape(&[2, 2]).unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string()),
        (
            ErrorKind::ShapeMismatch,
            "cannot reshape array of size 3 into shape (2, 2)".into()
        )
    );
    let e = Array::from_shape_vec(&[2, 2], vec![1.0f64; 3]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    let m = Array::zeros(&[2, 3], DType::Float64).unwrap();
    let e =
        Array::concatenate(&[&m, &Array::zeros(&[2, 4], DType::Float64).unwrap()], 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    assert!(e.to_string().contains("(2, 3) and (2, 4)"));
}

#[test]
fn dtype_mismatch() {
    let a = Array::zeros(&[2], DType::Float64).unwrap();
    let e = a.view::<f32>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DTypeMismatch);
    assert_eq!(
        e.to_string(),
        "array has dtype float64, but a view of float32 was requested"
    );
    let e = Array::random_uniform(&[2], 0.0, 1.0, 1, DType::Int32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DTypeMismatch);
    let mut out = Array::zeros(&[2], DType::Int64).unwrap();
    assert_eq!(
        a.unary_into(ndprof::UnaryOp::Sqrt, &mut out)
            .unwrap_err()
            .kind(),
        ErrorKind::DTypeMismatch
    );
}

#[test]
fn index_out_of_bounds() {
    let mut a = Array::zeros(&[2, 3], DType::Int32).unwrap();
    let e = a.get(&[1, 3]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IndexOutOfBounds);
    assert_eq!(
        e.to_string(),
        "index 3 is out of bounds for axis 1 with size 3 (array shape (2, 3))"
    );
    let e = a.set(&[2, 0], 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IndexOutOfBounds);
    let e = a.get(&[0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IndexOutOfBounds);
    assert!(e
        .to_string()
        .contains("has 1 entries, but the array of shape (2, 3) has 2 axes"));
}

#[test]
fn cast_overflow() {
    let a = Array::from_vec(vec![1.0f64, 2.5]).unwrap();
    let e = a.astype(DType::Int32, Casting::Safe).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CastOverflow);
    assert_eq!(
        e.to_string(),
        "cannot cast 2.5 at index [1] from float64 to int32: it does not fit"
    );
    let mut i = Array::zeros(&[2], DType::Int8).unwrap();
    let e = i.set(&[0], 300).unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string()),
        (
            ErrorKind::CastOverflow,
            "Python integer 300 out of bounds for int8".into()
        )
    );
    let mut u = Array::with_capacity(DType::UInt8, 0).unwrap();
    assert_eq!(u.push(-1).unwrap_err().kind(), ErrorKind::CastOverflow);
}

#[test]
fn allocation_failed() {
    let e = Array::zeros(&[1 << 37], DType::Float64).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AllocationFailed);
    assert!(
        e.to_string().starts_with("unable to allocate 1.000 TiB"),
        "{e}"
    );
}

#[test]
fn io_and_format() {
    let e = Array::load_npy("/definitely/not/here.npy").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().starts_with("/definitely/not/here.npy: "));
    let dir = std::env::temp_dir().join(format!("ndprof-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("junk.npy");
    std::fs::write(&p, b"not an npy file at all").unwrap();
    let e = Array::load_npy(&p).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Format);
    assert_eq!(e.path(), Some(p.as_path()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_arguments() {
    let a = Array::zeros(&[2, 3], DType::Float64).unwrap();
    assert_eq!(
        a.sum_axis(2).unwrap_err().to_string(),
        "axis 2 is out of bounds for array of dimension 2"
    );
    assert_eq!(
        a.slice(&[Slice::new(None, None, 0)]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        a.slice(&[Slice::ALL; 3]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        a.permute(&[0, 0]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        Array::arange(0.0, 1.0, 0.0, DType::Float64)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(a.item().unwrap_err().kind(), ErrorKind::InvalidArgument);
    let mut m = a.clone();
    assert_eq!(m.push(1.0).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        "float16".parse::<DType>().unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        ndprof::alloc::by_name("jemalloc").unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}
