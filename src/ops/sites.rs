//! The call sites of the per-element ops (`get`, `set`, `push`), one static
//! per op and dtype: the profiler refers to them by address on its hot path
//! and from its sampler's signal handler.

use crate::dtype::DType;
use crate::trace::{OpClass, ScalarSite, SiteTable, SITE_SLOTS};

const N: usize = DType::ALL.len();
const _: () = assert!(N <= SITE_SLOTS);

const fn sites(mark: usize, name: &'static str, class: OpClass) -> SiteTable {
    let mut out = [ScalarSite {
        name,
        class,
        dtype: "",
    }; SITE_SLOTS];
    let mut i = 0;
    while i < N {
        out[i].dtype = DType::ALL[i].name();
        i += 1;
    }
    SiteTable { mark, sites: out }
}

/// The sites of `get`, `set` and `push`, by dtype (slot `dtype as usize`:
/// `DType::ALL` lists the variants in declaration order, tested below).
pub(crate) static GET: SiteTable = sites(GET_MARK, "get", OpClass::ScalarRead);
pub(crate) static SET: SiteTable = sites(SET_MARK, "set", OpClass::ScalarWrite);
pub(crate) static PUSH: SiteTable = sites(PUSH_MARK, "push", OpClass::Growth);

/// The ops' marks (see `SiteTable`): constants, so that the per-element
/// path stores an immediate.
pub(crate) const GET_MARK: usize = 1;
pub(crate) const SET_MARK: usize = 2;
pub(crate) const PUSH_MARK: usize = 3;
const _: () = assert!(GET_MARK != SET_MARK && SET_MARK != PUSH_MARK && GET_MARK != PUSH_MARK);
const _: () = assert!(GET_MARK > 0 && SET_MARK > 0 && PUSH_MARK > 0 && PUSH_MARK < 4);

#[cfg(test)]
mod tests {
    use crate::dtype::DType;

    #[test]
    fn sites_match_their_dtype() {
        for d in DType::ALL {
            assert_eq!(crate::ops::sites::GET.site(d as usize).dtype, d.name());
            assert_eq!(crate::ops::sites::SET.site(d as usize).dtype, d.name());
            assert_eq!(crate::ops::sites::PUSH.site(d as usize).name, "push");
        }
    }

    #[test]
    fn marks_match_their_tables() {
        use crate::ops::sites::{GET, GET_MARK, PUSH, PUSH_MARK, SET, SET_MARK};
        assert_eq!(
            [GET.mark, SET.mark, PUSH.mark],
            [GET_MARK, SET_MARK, PUSH_MARK]
        );
    }
}
