//! Helpers shared by test files (each test file is its own crate and
//! includes this with `mod common;`).

use pprof::protos::Profile as Pb;

/// A decoded pprof profile's sample types as (type, unit) names.
pub fn sample_types(pb: &Pb) -> Vec<(String, String)> {
    pb.sample_type
        .iter()
        .map(|t| {
            (
                pb.string_table[t.ty as usize].clone(),
                pb.string_table[t.unit as usize].clone(),
            )
        })
        .collect()
}
