//! `std::ops` operators for arrays: `&a + &b`, `&a * 2.0`, `-&a`, `a += &b`.
//!
//! These are the only API in ndprof allowed to panic: operators cannot return
//! `Result`. Each panics with the error message of the method it calls
//! ([`Array::add`], [`Array::add_scalar`], [`Array::binary_inplace`], ...) when
//! the shapes do not broadcast, the dtypes do not allow the operation, or
//! memory runs out. Use the methods where input can be bad.

use super::elementwise::{BinaryOp, UnaryOp};
use crate::array::Array;
use crate::dtype::Scalar;
use crate::error::Result;

#[track_caller]
fn or_panic<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

macro_rules! array_ops {
    ($($trait:ident, $method:ident, $assign:ident, $amethod:ident => $op:ident;)*) => {$(
        impl std::ops::$trait<&Array> for &Array {
            type Output = Array;
            /// # Panics
            /// When the method form returns an error (see the module docs).
            #[track_caller]
            fn $method(self, rhs: &Array) -> Array {
                or_panic(self.binary(BinaryOp::$op, rhs))
            }
        }
        impl std::ops::$trait<Array> for Array {
            type Output = Array;
            /// # Panics
            /// When the method form returns an error (see the module docs).
            #[track_caller]
            fn $method(self, rhs: Array) -> Array {
                or_panic(self.binary(BinaryOp::$op, &rhs))
            }
        }
        impl std::ops::$trait<&Array> for Array {
            type Output = Array;
            /// # Panics
            /// When the method form returns an error (see the module docs).
            #[track_caller]
            fn $method(self, rhs: &Array) -> Array {
                or_panic(self.binary(BinaryOp::$op, rhs))
            }
        }
        impl<S: Into<Scalar>> std::ops::$trait<S> for &Array {
            type Output = Array;
            /// # Panics
            /// When the method form returns an error (see the module docs).
            #[track_caller]
            fn $method(self, rhs: S) -> Array {
                or_panic(self.binary_scalar(BinaryOp::$op, rhs))
            }
        }
        impl std::ops::$assign<&Array> for Array {
            /// # Panics
            /// When [`Array::binary_inplace`] returns an error.
            #[track_caller]
            fn $amethod(&mut self, rhs: &Array) {
                or_panic(self.binary_inplace(BinaryOp::$op, rhs))
            }
        }
    )*};
}

array_ops! {
    Add, add, AddAssign, add_assign => Add;
    Sub, sub, SubAssign, sub_assign => Sub;
    Mul, mul, MulAssign, mul_assign => Mul;
    Div, div, DivAssign, div_assign => Div;
    Rem, rem, RemAssign, rem_assign => Rem;
}

impl std::ops::Neg for &Array {
    type Output = Array;
    /// # Panics
    /// For bool arrays (see [`Array::neg`]) or when memory runs out.
    #[track_caller]
    fn neg(self) -> Array {
        or_panic(self.unary(UnaryOp::Neg))
    }
}
