//! Least-squares fits `y = Σ c_k x^e_k` with non-negative coefficients over
//! chosen exponents (`[1, 2]`: a per-call cost plus a quadratic copy cost),
//! used to extrapolate variants measured at reduced sizes to the full size.

/// A fitted cost law.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// `(coefficient, exponent)` of each term kept (coefficients >= 0).
    pub terms: Vec<(f64, f64)>,
    /// Coefficient of determination on the measured points.
    pub r_squared: f64,
    /// The measured points `(x, y)`.
    pub points: Vec<(f64, f64)>,
}

/// Solves the small dense system `a x = b` by Gaussian elimination with
/// partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (v, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *v -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    Some(x)
}

impl Fit {
    /// Fits `points` with terms `x^e` for each of `exponents` (at most 4),
    /// keeping the subset of terms with non-negative coefficients that
    /// leaves the smallest squared error. Columns are scaled by their
    /// largest value so that `x^2` at `x = 1e5` stays well conditioned.
    /// `None` with fewer points than terms or no usable subset.
    ///
    /// ```
    /// use ndprof::tour::Fit;
    /// // 2 us per call plus 0.5 ns per element copied, n^2/2 elements in all.
    /// let pts: Vec<(f64, f64)> = [1e3, 2e3, 4e3]
    ///     .iter()
    ///     .map(|&n| (n, 2e3 * n + 0.25 * n * n))
    ///     .collect();
    /// let f = Fit::least_squares(&pts, &[1.0, 2.0]);
    /// let predicted = f.map(|f| f.predict(1e5)).unwrap_or(0.0);
    /// assert!((predicted / (2e3 * 1e5 + 0.25 * 1e10) - 1.0).abs() < 1e-9);
    /// ```
    pub fn least_squares(points: &[(f64, f64)], exponents: &[f64]) -> Option<Fit> {
        let k = exponents.len().min(4);
        let mut best: Option<(f64, Fit)> = None;
        for mask in 1u32..(1 << k) {
            let exps: Vec<f64> = (0..k)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| exponents[i])
                .collect();
            if points.len() < exps.len() {
                continue;
            }
            let scale: Vec<f64> = exps
                .iter()
                .map(|&e| {
                    points
                        .iter()
                        .map(|(x, _)| x.powf(e).abs())
                        .fold(0.0, f64::max)
                        .max(f64::MIN_POSITIVE)
                })
                .collect();
            let col = |j: usize, x: f64| x.powf(exps[j]) / scale[j];
            let m = exps.len();
            let mut ata = vec![vec![0.0; m]; m];
            let mut atb = vec![0.0; m];
            for &(x, y) in points {
                for (i, (row, rhs)) in ata.iter_mut().zip(atb.iter_mut()).enumerate() {
                    *rhs += col(i, x) * y;
                    for (j, v) in row.iter_mut().enumerate() {
                        *v += col(i, x) * col(j, x);
                    }
                }
            }
            let Some(c) = solve(ata, atb) else { continue };
            if c.iter().any(|&v| v < 0.0 || !v.is_finite()) {
                continue;
            }
            let terms: Vec<(f64, f64)> = c
                .iter()
                .zip(&scale)
                .zip(&exps)
                .map(|((c, s), e)| (c / s, *e))
                .collect();
            let fit = Fit {
                terms,
                r_squared: 0.0,
                points: points.to_vec(),
            };
            let sse: f64 = points
                .iter()
                .map(|&(x, y)| (y - fit.predict(x)).powi(2))
                .sum();
            if best.as_ref().is_none_or(|(b, _)| sse < *b) {
                best = Some((sse, fit));
            }
        }
        let (sse, mut fit) = best?;
        let mean = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
        let sst: f64 = points.iter().map(|p| (p.1 - mean).powi(2)).sum();
        fit.r_squared = if sst > 0.0 { 1.0 - sse / sst } else { 1.0 };
        Some(fit)
    }

    /// The fitted `y` at `x`.
    pub fn predict(&self, x: f64) -> f64 {
        self.terms.iter().map(|(c, e)| c * x.powf(*e)).sum()
    }

    /// The law in `x`, e.g. `2.1e3*n + 2.5e-1*n^2 (R² 0.9999)`.
    pub fn formula(&self, x: &str) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|(c, e)| match *e {
                0.0 => format!("{c:.3e}"),
                1.0 => format!("{c:.3e}*{x}"),
                e => format!("{c:.3e}*{x}^{e}"),
            })
            .collect();
        format!("{} (R² {:.4})", terms.join(" + "), self.r_squared)
    }
}
