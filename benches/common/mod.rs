//! Shared setup for the criterion benches.

use criterion::Criterion;
use std::time::Duration;

/// Criterion tuned for this 2-core shared machine: few samples, short windows.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(15)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}
