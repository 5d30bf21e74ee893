//! `dot` against a straightforward triple loop, for every shape combination,
//! float and integer dtypes, strided operands and shape errors.

use ndprof::{Array, DType, ErrorKind};

fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
        }
    }
    c
}

fn close(x: &[f64], y: &[f64], tol: f64) {
    assert_eq!(x.len(), y.len());
    for (a, b) in x.iter().zip(y) {
        assert!((a - b).abs() <= tol * (1.0 + b.abs()), "{a} vs {b}");
    }
}

#[test]
fn matrix_matrix_f64_and_f32() {
    let (m, k, n) = (67, 129, 45);
    let a = Array::random_normal(&[m, k], 0.0, 1.0, 1, DType::Float64).unwrap();
    let b = Array::random_normal(&[k, n], 0.0, 1.0, 2, DType::Float64).unwrap();
    let c = a.dot(&b).unwrap();
    assert_eq!(c.shape(), &[m, n]);
    let want = naive(&a.to_vec().unwrap(), &b.to_vec().unwrap(), m, k, n);
    close(&c.to_vec::<f64>().unwrap(), &want, 1e-12);
    let af = a.astype(DType::Float32, ndprof::Casting::Unsafe).unwrap();
    let bf = b.astype(DType::Float32, ndprof::Casting::Unsafe).unwrap();
    let cf = af.dot(&bf).unwrap();
    assert_eq!(cf.dtype(), DType::Float32);
    let got: Vec<f64> = cf
        .to_vec::<f32>()
        .unwrap()
        .iter()
        .map(|&v| v as f64)
        .collect();
    close(&got, &want, 1e-4);
}

#[test]
fn large_product_uses_the_parallel_kernel_correctly() {
    let (m, k, n) = (300, 200, 250);
    let a = Array::random_uniform(&[m, k], -1.0, 1.0, 3, DType::Float64).unwrap();
    let b = Array::random_uniform(&[k, n], -1.0, 1.0, 4, DType::Float64).unwrap();
    let want = naive(&a.to_vec().unwrap(), &b.to_vec().unwrap(), m, k, n);
    close(&a.dot(&b).unwrap().to_vec::<f64>().unwrap(), &want, 1e-12);
}

#[test]
fn vectors_and_transposed_views() {
    let a = Array::from_shape_vec(&[2, 3], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    let v = Array::from_vec(vec![1.0, 1.0, 1.0]).unwrap();
    let w = Array::from_vec(vec![1.0, -1.0]).unwrap();
    assert_eq!(a.dot(&v).unwrap().to_vec::<f64>().unwrap(), vec![6.0, 15.0]);
    assert_eq!(
        w.dot(&a).unwrap().to_vec::<f64>().unwrap(),
        vec![-3.0, -3.0, -3.0]
    );
    let inner = v.dot(&v).unwrap();
    assert_eq!((inner.ndim(), inner.item().unwrap().to_f64()), (0, 3.0));
    let ata = a.t().dot(&a).unwrap();
    assert_eq!(ata.shape(), &[3, 3]);
    assert_eq!(
        ata.to_vec::<f64>().unwrap(),
        vec![17.0, 22.0, 27.0, 22.0, 29.0, 36.0, 27.0, 36.0, 45.0]
    );
    let rev = a
        .slice(&[ndprof::Slice::ALL, ndprof::Slice::new(None, None, -1)])
        .unwrap();
    assert_eq!(
        rev.dot(&v).unwrap().to_vec::<f64>().unwrap(),
        vec![6.0, 15.0]
    );
}

#[test]
fn integer_and_mixed_dtypes() {
    let a = Array::from_shape_vec(&[2, 2], vec![1i32, 2, 3, 4]).unwrap();
    let b = Array::from_shape_vec(&[2, 2], vec![5i64, 6, 7, 8]).unwrap();
    let c = a.dot(&b).unwrap();
    assert_eq!(c.dtype(), DType::Int64);
    assert_eq!(c.to_vec::<i64>().unwrap(), vec![19, 22, 43, 50]);
    let f = Array::from_vec(vec![0.5f64, 0.5]).unwrap();
    assert_eq!(a.dot(&f).unwrap().to_vec::<f64>().unwrap(), vec![1.5, 3.5]);
    let e = Array::zeros(&[2, 0], DType::Float64).unwrap();
    let z = e
        .dot(&Array::zeros(&[0, 3], DType::Float64).unwrap())
        .unwrap();
    assert_eq!(z.to_vec::<f64>().unwrap(), vec![0.0; 6]);
}

#[test]
fn shape_errors_name_both_shapes() {
    let a = Array::zeros(&[2, 3], DType::Float64).unwrap();
    let e = a.dot(&a).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    assert_eq!(
        e.to_string(),
        "shapes (2, 3) and (2, 3) not aligned: 3 (dim 1) != 2 (dim 0)"
    );
    let c = Array::zeros(&[2, 2, 2], DType::Float64).unwrap();
    assert_eq!(c.dot(&a).unwrap_err().kind(), ErrorKind::InvalidArgument);
}
