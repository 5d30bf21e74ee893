//! [`Metrics`]: the counters of one call-tree node, defined once.
//!
//! The `metrics!` invocation at the bottom of this file is the only list of
//! counters in the crate. From it come the struct (with its docs), the
//! per-thread slot layout ([`Metrics::to_slots`], `Field`), the merge rule of
//! each field ([`Merge`]: sum, max or min), the identity a fresh slot holds,
//! the serialized form in `report.json` (fields by name; unknown ones
//! ignored, missing ones at their identity) and the field list that the JSON
//! Schema is generated from ([`Metrics::FIELDS`]). Adding a counter is one
//! line plus its doc there.

use std::fmt;

/// How a field combines when records merge (threads, ranks, reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Added, saturating at the type's maximum instead of wrapping.
    Sum,
    /// The larger value.
    Max,
    /// The smaller value.
    Min,
}

impl Merge {
    /// The slot value that merges into anything without changing it.
    pub(crate) const fn identity(self) -> u64 {
        match self {
            Merge::Sum | Merge::Max => 0,
            Merge::Min => u64::MAX,
        }
    }

    /// Merges two slot values (order-preserving keys, see `SlotValue`).
    #[inline]
    pub(crate) const fn apply(self, a: u64, b: u64) -> u64 {
        match self {
            Merge::Sum => a.saturating_add(b),
            Merge::Max => {
                if a > b {
                    a
                } else {
                    b
                }
            }
            Merge::Min => {
                if a < b {
                    a
                } else {
                    b
                }
            }
        }
    }

    /// The rule's name in the JSON Schema and docs.
    pub fn name(self) -> &'static str {
        match self {
            Merge::Sum => "sum",
            Merge::Max => "max",
            Merge::Min => "min",
        }
    }
}

/// A counter type stored in a `u64` slot with its order kept, so that max
/// and min merge on the slot value directly.
pub(crate) trait SlotValue: Copy {
    const SIGNED: bool;
    fn to_slot(self) -> u64;
    fn from_slot(v: u64) -> Self;
}

impl SlotValue for u64 {
    const SIGNED: bool = false;
    #[inline]
    fn to_slot(self) -> u64 {
        self
    }
    #[inline]
    fn from_slot(v: u64) -> u64 {
        v
    }
}

impl SlotValue for i64 {
    const SIGNED: bool = true;
    /// Maps `i64` order onto `u64` order (`i64::MIN` -> 0).
    #[inline]
    fn to_slot(self) -> u64 {
        (self as u64) ^ (1 << 63)
    }
    #[inline]
    fn from_slot(v: u64) -> i64 {
        (v ^ (1 << 63)) as i64
    }
}

/// One counter of [`Metrics`], for schemas and docs.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// The field's name, in Rust and in `report.json`.
    pub name: &'static str,
    /// Its documentation.
    pub doc: &'static str,
    /// How it merges.
    pub merge: Merge,
    /// `i64` rather than `u64`.
    pub signed: bool,
    /// Written to `report.json` (internal fields, like raw clock ticks, are not).
    pub serialized: bool,
}

macro_rules! metrics {
    ($( $(#[doc = $doc:literal])+ $name:ident : $ty:ident = $merge:ident $($internal:ident)? ),+ $(,)?) => {
        /// What happened at one call-tree node: calls, sizes, allocator and
        /// heap events. Every count is exact. Merged across threads, ranks
        /// and reports field by field ([`Metrics::FIELDS`] says how).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Metrics {
            $( $(#[doc = $doc])+ pub $name: $ty, )+
        }

        /// Positions of the fields in a per-thread slot.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Clone, Copy, Debug)]
        pub(crate) enum Field { $($name,)+ }

        impl Metrics {
            /// Every field: name, doc, merge rule, sign, whether serialized.
            pub const FIELDS: &'static [FieldInfo] = &[ $( FieldInfo {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),+),
                merge: Merge::$merge,
                signed: <$ty as SlotValue>::SIGNED,
                serialized: metrics!(@serialized $($internal)?),
            }, )+ ];

            /// The merge rule of each slot position.
            pub(crate) const RULES: [Merge; LEN] = [$(Merge::$merge),+];

            /// The slot values of a fresh (identity) record.
            pub(crate) const IDENTITY: [u64; LEN] = [$(Merge::$merge.identity()),+];

            /// The fields as slot values, in slot order.
            #[inline]
            pub(crate) fn to_slots(self) -> [u64; LEN] {
                [$( SlotValue::to_slot(self.$name) ),+]
            }

            /// The record held in slot values.
            #[inline]
            pub(crate) fn from_slots(s: &[u64; LEN]) -> Metrics {
                Metrics { $( $name: SlotValue::from_slot(s[Field::$name as usize]) ),+ }
            }

            /// Merges `other` into `self`, each field by its rule.
            pub fn merge(&mut self, other: &Metrics) {
                $( self.$name = SlotValue::from_slot(Merge::$merge.apply(
                    SlotValue::to_slot(self.$name),
                    SlotValue::to_slot(other.$name),
                )); )+
            }
        }

        impl Default for Metrics {
            /// Every field at its identity: 0 for sums and maxima of counts,
            /// the type's extreme for minima and signed maxima.
            fn default() -> Metrics {
                Metrics { $( $name: SlotValue::from_slot(Merge::$merge.identity()) ),+ }
            }
        }

        impl serde::Serialize for Metrics {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                $(
                    let info = &Metrics::FIELDS[Field::$name as usize];
                    let at_identity = SlotValue::to_slot(self.$name) == info.merge.identity();
                    // Sums are always written; a max or min still at its
                    // identity (nothing recorded) is left out.
                    if info.serialized && (info.merge == Merge::Sum || !at_identity) {
                        map.serialize_entry(stringify!($name), &self.$name)?;
                    }
                )+
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for Metrics {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Metrics, D::Error> {
                struct Visit;
                impl<'de> serde::de::Visitor<'de> for Visit {
                    type Value = Metrics;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a record's counters")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Metrics, A::Error> {
                        let mut m = Metrics::default();
                        while let Some(key) = a.next_key::<std::borrow::Cow<'de, str>>()? {
                            match key.as_ref() {
                                $( stringify!($name) if metrics!(@serialized $($internal)?) => {
                                    m.$name = a.next_value::<$ty>()?;
                                } )+
                                _ => {
                                    a.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(m)
                    }
                }
                d.deserialize_map(Visit)
            }
        }

        /// Slots per record.
        pub(crate) const LEN: usize = [$(stringify!($name)),+].len();
    };
    (@serialized) => { true };
    (@serialized internal) => { false };
}

metrics! {
    /// Times the scope or op was entered. In sampled mode scalar `get`/`set`
    /// calls past each thread's first 4096 are counted 1-in-1024 (see
    /// `estimated_calls`).
    calls: u64 = Sum,
    /// How many of `calls` (and of the elements and bytes that go with
    /// them) are estimates from 1-in-1024 sampling rather than counted one by
    /// one (sampled mode, scalar ops only; 0: exact).
    estimated_calls: u64 = Sum,
    /// Timer samples that landed here, children excluded (sampled mode).
    samples: u64 = Sum,
    /// Wall time those samples stand for, in nanoseconds (sampled mode):
    /// reports show it as sampled `self_ns` with its uncertainty.
    sample_ns: u64 = Sum,
    /// Clock ticks spent inside, children included (reports show `total_ns`).
    ticks: u64 = Sum internal,
    /// Elements the op produced or consumed.
    elements: u64 = Sum,
    /// Bytes the op read.
    bytes_read: u64 = Sum,
    /// Bytes the op wrote.
    bytes_written: u64 = Sum,
    /// Buffer allocations made directly here (not in children).
    allocations: u64 = Sum,
    /// Buffer frees charged here.
    frees: u64 = Sum,
    /// Buffer reallocations (growth) made here.
    reallocations: u64 = Sum,
    /// Bytes of buffer allocations and growth made here.
    bytes_allocated: u64 = Sum,
    /// Bytes of buffers freed here.
    bytes_freed: u64 = Sum,
    /// Bytes moved by growth that could not happen in place.
    bytes_copied: u64 = Sum,
    /// Bytes of buffers allocated or grown here (by the buffers' owner, on
    /// any thread); minus `held_bytes_released`, summed over threads, what
    /// this node holds: who held the peak.
    held_bytes: u64 = Sum internal,
    /// Bytes of buffers allocated here that were freed or shrunk since, on
    /// any thread.
    held_bytes_released: u64 = Sum internal,
    /// Buffers allocated here (by their owner); minus
    /// `held_blocks_released`, the buffers this node holds.
    held_blocks: u64 = Sum internal,
    /// Buffers allocated here that were freed since.
    held_blocks_released: u64 = Sum internal,
    /// At the root, per thread: the most buffer bytes live (the session's
    /// flushed total plus this thread's unflushed change) at any of this
    /// thread's buffer events; the session's peak is the largest.
    held_peak: u64 = Max internal,
    /// Heap allocations outside ndprof's buffers (plain `Vec`s, strings, ...)
    /// made here; only with `alloc::Tracking` as the global allocator.
    heap_allocations: u64 = Sum,
    /// Bytes of those heap allocations.
    heap_bytes: u64 = Sum,
    /// Frees, on any thread, of heap blocks allocated here.
    heap_frees: u64 = Sum,
    /// Bytes of those frees.
    heap_bytes_freed: u64 = Sum,
    /// The largest array, in elements, an op here worked on (the array a
    /// scalar `get`/`set` indexed; the array after a `push`).
    max_elements: u64 = Max,
    /// The smallest integer value ops here produced; only in sessions with
    /// `SessionBuilder::value_ranges`.
    value_min: i64 = Min,
    /// The largest integer value ops here produced.
    value_max: i64 = Max,
}

impl Metrics {
    /// The smallest and largest integer value ops produced here, if any op
    /// reported values.
    pub fn value_range(&self) -> Option<(i64, i64)> {
        (self.value_min <= self.value_max).then_some((self.value_min, self.value_max))
    }

    /// Bytes allocated here: buffers and, with `alloc::Tracking`, the rest of the heap.
    pub fn all_bytes(&self) -> u64 {
        self.bytes_allocated.saturating_add(self.heap_bytes)
    }

    /// Allocations here, counted the same way (reallocations included).
    pub fn all_allocations(&self) -> u64 {
        self.allocations
            .saturating_add(self.reallocations)
            .saturating_add(self.heap_allocations)
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.to_slots() == Metrics::IDENTITY
    }

    /// These counters with the internal ones (the recorder's raw clock
    /// ticks and buffer bookkeeping, not part of a report) at their identity.
    pub fn reported(&self) -> Metrics {
        let mut slots = self.to_slots();
        for (i, info) in Metrics::FIELDS.iter().enumerate() {
            if !info.serialized {
                slots[i] = Metrics::IDENTITY[i];
            }
        }
        Metrics::from_slots(&slots)
    }
}

#[cfg(test)]
mod tests {
    use crate::trace::metrics::*;

    #[test]
    fn merge_rules_and_identity() {
        let mut a = Metrics {
            calls: u64::MAX - 1,
            value_min: -5,
            value_max: 7,
            max_elements: 3,
            ..Metrics::default()
        };
        let b = Metrics {
            calls: 5,
            value_min: 2,
            value_max: -9,
            max_elements: 10,
            ..Metrics::default()
        };
        a.merge(&b);
        assert_eq!(a.calls, u64::MAX);
        assert_eq!((a.value_min, a.value_max, a.max_elements), (-5, 7, 10));
        assert!(Metrics::default().is_empty());
        assert_eq!(Metrics::default().value_range(), None);
        let round = Metrics::from_slots(&a.to_slots());
        assert_eq!(round, a);
    }

    #[test]
    fn serde_skips_internal_and_unset_fields() {
        let m = Metrics {
            calls: 2,
            ticks: 99,
            ..Metrics::default()
        };
        let j = serde_json::to_value(m).unwrap(); // ok: test
        assert_eq!(j["calls"], 2);
        assert!(j.get("ticks").is_none() && j.get("value_min").is_none());
        let back: Metrics = serde_json::from_value(j).unwrap(); // ok: test
        assert_eq!(back.calls, 2);
        assert_eq!(back.ticks, 0);
        assert_eq!(back.value_range(), None);
    }
}
