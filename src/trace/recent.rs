//! A thread's few most recent lookups (`(key, value)` pairs in a `Cell`
//! array, newest first): loops enter the same handful of scopes, ops and
//! call sites again and again, and a linear scan of a few pairs costs less
//! than any hash lookup. Keys must never equal the array's initial filler.

use std::cell::Cell;

/// The value cached for `key`, if any.
#[inline]
pub(super) fn find<K: Copy + Eq, V: Copy, const N: usize>(
    cache: &Cell<[(K, V); N]>,
    key: K,
) -> Option<V> {
    let cells: &Cell<[(K, V)]> = cache;
    cells
        .as_slice_of_cells()
        .iter()
        .map(Cell::get)
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Caches `key -> value` as the newest pair, dropping the oldest.
#[inline]
pub(super) fn insert<K: Copy, V: Copy, const N: usize>(
    cache: &Cell<[(K, V); N]>,
    key: K,
    value: V,
) {
    let cells: &Cell<[(K, V)]> = cache;
    let cells = cells.as_slice_of_cells();
    for i in (1..N).rev() {
        cells[i].set(cells[i - 1].get());
    }
    if let Some(first) = cells.first() {
        first.set((key, value));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    #[test]
    fn keeps_the_newest_n() {
        let c: Cell<[(u32, u32); 3]> = Cell::new([(0, 0); 3]);
        for k in 1..=4 {
            crate::trace::recent::insert(&c, k, k * 10);
        }
        assert_eq!(crate::trace::recent::find(&c, 1), None);
        assert_eq!(crate::trace::recent::find(&c, 2), Some(20));
        assert_eq!(crate::trace::recent::find(&c, 4), Some(40));
    }
}
