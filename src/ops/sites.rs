//! The call sites of the per-element ops (`get`, `set`, `push`), one static
//! per op and dtype: the profiler refers to them by address on its hot path
//! and from its sampler's signal handler.

use crate::dtype::DType;
use crate::trace::{OpClass, ScalarSite, SiteTable, SITE_SLOTS};

const N: usize = DType::ALL.len();
const _: () = assert!(N <= SITE_SLOTS);

const fn sites(name: &'static str, class: OpClass) -> SiteTable {
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
    SiteTable(out)
}

/// The sites of `get`, `set` and `push`, by dtype (slot `dtype as usize`:
/// `DType::ALL` lists the variants in declaration order, tested below).
pub(crate) static GET: SiteTable = sites("get", OpClass::ScalarRead);
pub(crate) static SET: SiteTable = sites("set", OpClass::ScalarWrite);
pub(crate) static PUSH: SiteTable = sites("push", OpClass::Growth);

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
    fn a_mark_names_its_site() {
        use crate::ops::sites::{GET, PUSH, SET};
        for table in [&GET, &SET, &PUSH] {
            for d in DType::ALL {
                let mark = table.mark(d as usize);
                assert_ne!(mark, 0);
                // SAFETY: a mark from `SiteTable::mark`.
                let site = unsafe { crate::trace::site_of_mark(mark) };
                assert!(std::ptr::eq(site, table.site(d as usize)), "{}", d.name());
            }
        }
        assert_ne!(GET.mark(0), SET.mark(0));
    }
}
