//! [`OpClass`]: what kind of work an operation is. Carried on every op
//! label, so the profiler and the advice rules read the class, never the
//! op's name.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of work an array operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpClass {
    /// One pass over whole arrays, element by element (`add`, `square`, `where`).
    Elementwise,
    /// Many elements in, few out (`sum`, `mean`, `max`).
    Reduction,
    /// Reading one element (`get`).
    ScalarRead,
    /// Writing one element (`set`).
    ScalarWrite,
    /// Growing an array in place with amortized capacity (`push`).
    Growth,
    /// Building a new, larger array by copying the old ones (`append`, `concatenate`).
    CopyingGrowth,
    /// Making a new array from nothing or a range (`zeros`, `arange`, `random`).
    Creation,
    /// Converting between dtypes (`astype`).
    Cast,
    /// Copying or selecting elements (`copy`, slice assignment).
    Copy,
    /// Linear algebra (`dot`).
    Linalg,
    /// Messages between processes (MPI helpers).
    Communication,
}

impl OpClass {
    /// Every class.
    pub const ALL: [OpClass; 11] = [
        OpClass::Elementwise,
        OpClass::Reduction,
        OpClass::ScalarRead,
        OpClass::ScalarWrite,
        OpClass::Growth,
        OpClass::CopyingGrowth,
        OpClass::Creation,
        OpClass::Cast,
        OpClass::Copy,
        OpClass::Linalg,
        OpClass::Communication,
    ];

    /// The name `report.json` uses (`scalar_read`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OpClass::Elementwise => "elementwise",
            OpClass::Reduction => "reduction",
            OpClass::ScalarRead => "scalar_read",
            OpClass::ScalarWrite => "scalar_write",
            OpClass::Growth => "growth",
            OpClass::CopyingGrowth => "copying_growth",
            OpClass::Creation => "creation",
            OpClass::Cast => "cast",
            OpClass::Copy => "copy",
            OpClass::Linalg => "linalg",
            OpClass::Communication => "communication",
        }
    }

    /// One element read or written per call (`get`, `set`).
    pub fn is_scalar_access(self) -> bool {
        matches!(self, OpClass::ScalarRead | OpClass::ScalarWrite)
    }

    /// One element per call, timed 1-in-N under
    /// `SessionBuilder::scalar_time_every` (`get`, `set`, `push`).
    pub fn is_per_element(self) -> bool {
        matches!(
            self,
            OpClass::ScalarRead | OpClass::ScalarWrite | OpClass::Growth
        )
    }

    /// Makes an array larger (`push`, `append`, `concatenate`).
    pub fn is_growth(self) -> bool {
        matches!(self, OpClass::Growth | OpClass::CopyingGrowth)
    }
}

impl fmt::Display for OpClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
