//! `.npy` files: files NumPy 2.4 wrote (tests/data) load with the right
//! values, ndprof writes NumPy's exact bytes, round trips for every dtype, and
//! every unsupported or broken file gets a clear error.

use ndprof::io::npy::{read_npy, write_npy};
use ndprof::{Array, DType, ErrorKind, Scalar};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn loads_files_numpy_wrote() {
    let a = Array::load_npy(data("f8_2x3.npy")).unwrap();
    assert_eq!((a.shape(), a.dtype()), (&[2usize, 3][..], DType::Float64));
    assert_eq!(
        a.to_vec::<f64>().unwrap(),
        vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    );
    let i = Array::load_npy(data("i4_5.npy")).unwrap();
    assert_eq!(i.to_vec::<i32>().unwrap(), vec![-2, -1, 0, 1, i32::MAX]);
    let be = Array::load_npy(data("u2_be.npy")).unwrap();
    assert_eq!(be.to_vec::<u16>().unwrap(), vec![1, 258, 65535]);
    let b = Array::load_npy(data("b1_4.npy")).unwrap();
    assert_eq!(b.to_vec::<bool>().unwrap(), vec![true, false, true, true]);
    let s = Array::load_npy(data("f4_scalar.npy")).unwrap();
    assert_eq!((s.ndim(), s.item().unwrap()), (0, Scalar::F32(3.5)));
    let e = Array::load_npy(data("i8_empty.npy")).unwrap();
    assert_eq!((e.shape(), e.dtype()), (&[0usize, 3][..], DType::Int64));
}

#[test]
fn writes_numpys_exact_bytes_for_every_dtype() {
    for d in DType::ALL {
        let path = data(&format!("all_{d}.npy"));
        let expected = std::fs::read(&path).unwrap();
        let a = Array::load_npy(&path).unwrap();
        assert_eq!(a.dtype(), d);
        let mut written = Vec::new();
        write_npy(&a, &mut written).unwrap();
        assert_eq!(written, expected, "bytes differ for {d}");
    }
    let mut w = Vec::new();
    write_npy(&Array::load_npy(data("f8_2x3.npy")).unwrap(), &mut w).unwrap();
    assert_eq!(w, std::fs::read(data("f8_2x3.npy")).unwrap());
}

#[test]
fn round_trips_every_dtype_and_views() {
    let dir = std::env::temp_dir().join(format!("ndprof-npy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for d in DType::ALL {
        let a = Array::arange(0.0, 24.0, 1.0, DType::Int64)
            .unwrap()
            .astype(d, ndprof::Casting::Unsafe)
            .unwrap()
            .reshape(&[2, 3, 4])
            .unwrap();
        let path = dir.join(format!("{d}.npy"));
        a.save_npy(&path).unwrap();
        assert_eq!(Array::load_npy(&path).unwrap(), a, "{d}");
        // A transposed view is written in C order of its own shape.
        let t = a.t();
        t.save_npy(&path).unwrap();
        let back = Array::load_npy(&path).unwrap();
        assert_eq!(back.shape(), &[4, 3, 2]);
        assert_eq!(back, t.to_contiguous().unwrap());
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unsupported_files_get_clear_errors() {
    let cases = [
        ("f8_fortran.npy", "Fortran-order"),
        ("object.npy", "object arrays"),
        ("f2.npy", "unsupported npy dtype '<f2'"),
    ];
    for (name, needle) in cases {
        let e = Array::load_npy(data(name)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Format, "{name}");
        assert!(e.to_string().contains(needle), "{name}: {e}");
        assert!(
            e.to_string().contains(name),
            "the message names the file: {e}"
        );
    }
}

#[test]
fn broken_streams_are_errors_not_panics() {
    let good = std::fs::read(data("f8_2x3.npy")).unwrap();
    let e = read_npy(&mut &good[..good.len() - 3]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("ends early"));
    let mut bad = good.clone();
    bad[1] = b'X';
    assert_eq!(
        read_npy(&mut &bad[..]).unwrap_err().kind(),
        ErrorKind::Format
    );
    let mut v9 = good.clone();
    v9[6] = 9;
    assert!(read_npy(&mut &v9[..])
        .unwrap_err()
        .to_string()
        .contains("version 9"));
    let mut boolbad = std::fs::read(data("b1_4.npy")).unwrap();
    let last = boolbad.len() - 1;
    boolbad[last] = 7;
    assert_eq!(
        read_npy(&mut &boolbad[..]).unwrap_err().kind(),
        ErrorKind::Format
    );
    let e = Array::load_npy("/nonexistent/dir/x.npy").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert_eq!(e.path().unwrap().to_str(), Some("/nonexistent/dir/x.npy"));
    let a = Array::zeros(&[2], DType::Float64).unwrap();
    let e = a.save_npy("/nonexistent/dir/x.npy").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
}

#[test]
fn arrays_past_64_dimensions_are_refused_and_huge_headers_too() {
    // NumPy reads no more than 64 dimensions: such a file is not written.
    let shape = vec![1usize; 65];
    let a = Array::zeros(&shape, DType::UInt8).unwrap();
    let mut w = Vec::new();
    let e = write_npy(&a, &mut w).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(w.is_empty());
    let ok = Array::zeros(&vec![1usize; 64], DType::UInt8).unwrap();
    write_npy(&ok, &mut w).unwrap();
    assert_eq!(read_npy(&mut &w[..]).unwrap(), ok);
    let mut bogus = b"\x93NUMPY\x02\x00".to_vec();
    bogus.extend_from_slice(&u32::MAX.to_le_bytes());
    let e = read_npy(&mut &bogus[..]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Format);
    assert!(e.to_string().contains("implausibly large"));
}

/// A version 1.0 file with `header` as its dict and `data` after it.
fn npy_with(version: [u8; 2], header: &str, data: &[u8]) -> Vec<u8> {
    let mut h = header.to_string();
    while !(10 + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&version);
    out.extend_from_slice(&(h.len() as u16).to_le_bytes());
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn only_what_numpy_reads_loads() {
    let ok = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
    let data = [1u8, 0, 0, 0, 2, 0, 0, 0];
    assert_eq!(
        read_npy(&mut &npy_with([1, 0], ok, &data)[..])
            .unwrap()
            .to_vec::<i32>()
            .unwrap(),
        [1, 2]
    );
    for shape in ["()", "(2,)", "(1, 2)", "(1, 2,)", "( 2 , )", "(2L,)"] {
        let h = format!("{{'descr': '<i4', 'fortran_order': False, 'shape': {shape}, }}");
        let n: usize = if shape == "()" { 1 } else { 2 };
        let a = read_npy(&mut &npy_with([1, 0], &h, &data[..4 * n])[..]);
        assert!(a.is_ok(), "{shape}: {a:?}");
    }
    // A key twice: the last counts, as in the dict NumPy evaluates.
    let twice = "{'descr': '<i4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
    let a = read_npy(&mut &npy_with([1, 0], twice, &2.5f64.to_le_bytes())[..]).unwrap();
    assert_eq!(a.to_vec::<f64>().unwrap(), [2.5]);
    let bad_headers = [
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }",
        "{'descr': '<i4', 'fortran_order': False, }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2), }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2,,), }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (,2), }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (1 2,), }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (-2,), }",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,), }",
    ];
    for h in bad_headers {
        let e = read_npy(&mut &npy_with([1, 0], h, &data)[..]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Format, "{h}: {e}");
    }
    for version in [[1, 5], [2, 1], [3, 9], [0, 0], [4, 0]] {
        let e = read_npy(&mut &npy_with(version, ok, &data)[..]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Format, "{version:?}");
    }
    // Huge declared shapes are format errors, before any allocation.
    let dir = std::env::temp_dir().join(format!("ndprof-npy-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for shape in [
        "(18446744073709551615, 2)",
        "(4611686018427387904,)",
        "(1000000000000,)",
    ] {
        let h = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
        let bytes = npy_with([1, 0], &h, &data);
        let path = dir.join("huge.npy");
        std::fs::write(&path, &bytes).unwrap();
        let e = Array::load_npy(&path).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Format, "{shape}: {e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
