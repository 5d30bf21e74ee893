//! The call sites of the per-element ops (`get`, `set`, `push`), one static
//! per op and dtype: the profiler refers to them by address on its hot path
//! and from its sampler's signal handler.

use crate::dtype::DType;
use crate::trace::{OpClass, ScalarSite};

const N: usize = DType::ALL.len();
/// Table length: a power of two at least `N`, so that picking a site is one
/// mask (no division, no bounds check) on the per-element loop's path.
const SLOTS: usize = N.next_power_of_two();

const fn sites(name: &'static str, class: OpClass) -> [ScalarSite; SLOTS] {
    let mut out = [ScalarSite {
        name,
        class,
        dtype: "",
    }; SLOTS];
    let mut i = 0;
    while i < N {
        out[i].dtype = DType::ALL[i].name();
        i += 1;
    }
    out
}

static GET: [ScalarSite; SLOTS] = sites("get", OpClass::ScalarRead);
static SET: [ScalarSite; SLOTS] = sites("set", OpClass::ScalarWrite);
static PUSH: [ScalarSite; SLOTS] = sites("push", OpClass::Growth);

#[inline(always)]
fn pick(table: &'static [ScalarSite; SLOTS], dtype: DType) -> &'static ScalarSite {
    // `DType::ALL` lists the variants in declaration order (tested below),
    // so `dtype as usize < N <= SLOTS`.
    &table[dtype as usize & (SLOTS - 1)]
}

/// The site of `get` on `dtype`.
#[inline(always)]
pub(crate) fn get(dtype: DType) -> &'static ScalarSite {
    pick(&GET, dtype)
}

/// The site of `set` on `dtype`.
#[inline(always)]
pub(crate) fn set(dtype: DType) -> &'static ScalarSite {
    pick(&SET, dtype)
}

/// The site of `push` on `dtype`.
#[inline(always)]
pub(crate) fn push(dtype: DType) -> &'static ScalarSite {
    pick(&PUSH, dtype)
}

#[cfg(test)]
mod tests {
    use crate::dtype::DType;

    #[test]
    fn sites_match_their_dtype() {
        for d in DType::ALL {
            assert_eq!(crate::ops::sites::get(d).dtype, d.name());
            assert_eq!(crate::ops::sites::set(d).dtype, d.name());
            assert_eq!(crate::ops::sites::push(d).name, "push");
        }
    }
}
