//! `profile!`, `profile_dyn!` and `profile_function!`.

/// Times a scope: `profile!("name", { ... })` runs the block inside scope
/// `name` and returns its value; `profile!("name");` opens scope `name` until
/// the end of the enclosing block. Nested scopes form paths (`outer;inner`),
/// and array operations inside land under them.
///
/// The name is a `&'static str`, registered once per call site (a `static
/// OnceLock`). With no session running the macro costs one relaxed atomic
/// load (0.7 ns measured by `benches/profiler_truth`, 2-vCPU VM). In a
/// default (sampled) session it costs ~4 ns: a cached call-tree lookup and
/// a count in this thread's record table; instrumented mode adds two clock
/// reads (~20 ns).
///
/// ```
/// use ndprof::{profile, Array, DType};
/// # fn main() -> ndprof::Result<()> {
/// let _lock = ndprof::testing::lock();
/// let session = ndprof::Session::builder().start()?;
/// let x = Array::ones(&[1000], DType::Float64)?;
/// let y = profile!("step", { x.square()? });
/// {
///     profile!("reduce");
///     let _ = y.sum()?;
/// }
/// let profile = session.finish()?;
/// assert_eq!(profile.record(&["step", "square[float64]"]).map(|r| r.calls), Some(1));
/// assert_eq!(profile.record(&["reduce"]).map(|r| r.calls), Some(1));
/// # Ok(())
/// # }
/// ```
///
/// The name must be a string literal: it is taken once per call site, so a
/// name computed at run time (a loop over `alpha`, `beta`, ...) would record
/// every iteration under the first name. That is a compile error; use
/// [`profile_dyn!`](crate::profile_dyn) for run-time names:
///
/// ```compile_fail
/// let name = String::from("alpha");
/// ndprof::profile!(name); // error: profile! takes a string literal
/// ```
#[macro_export]
macro_rules! profile {
    ($name:literal) => {
        $crate::profile!(@site $name);
    };
    ($name:literal, $body:block) => {{
        $crate::profile!(@site $name);
        $body
    }};
    // A name fixed per call site (a literal, or `profile_function!`'s).
    (@site $name:expr) => {
        let _ndprof_scope = if $crate::trace::enabled() {
            static SITE: ::std::sync::OnceLock<$crate::trace::LabelId> =
                ::std::sync::OnceLock::new();
            ::std::option::Option::Some($crate::trace::enter_scope(
                *SITE.get_or_init(|| $crate::trace::register_scope($name)),
            ))
        } else {
            ::std::option::Option::None
        };
    };
    ($name:expr $(, $body:block)?) => {
        ::std::compile_error!(
            "profile! takes a string literal (the name is taken once per call site); \
             use profile_dyn! for a name computed at run time"
        );
    };
}

/// Times a scope whose name is computed at run time: `profile_dyn!(name,
/// { ... })` or `profile_dyn!(name);` until the end of the block, as
/// [`profile!`](crate::profile) but with any `&str`/`String` name, interned
/// on each call (a hash lookup: use `profile!` for fixed names).
///
/// ```
/// use ndprof::{profile_dyn, Array, DType};
/// # fn main() -> ndprof::Result<()> {
/// let _lock = ndprof::testing::lock();
/// let session = ndprof::Session::builder().start()?;
/// for name in ["alpha", "beta", "gamma"] {
///     profile_dyn!(name, { Array::ones(&[10], DType::Float64)? });
/// }
/// let profile = session.finish()?;
/// for name in ["alpha", "beta", "gamma"] {
///     assert_eq!(profile.record(&[name]).map(|r| r.calls), Some(1));
/// }
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! profile_dyn {
    ($name:expr) => {
        let _ndprof_scope =
            $crate::trace::enter_dynamic_scope(::std::convert::AsRef::<str>::as_ref(&$name));
    };
    ($name:expr, $body:block) => {{
        $crate::profile_dyn!($name);
        $body
    }};
}

/// Opens a scope named after the enclosing function (`module::function`)
/// until the end of the function.
///
/// ```
/// fn step() {
///     ndprof::profile_function!();
///     // ...
/// }
/// # step();
/// ```
#[macro_export]
macro_rules! profile_function {
    () => {
        fn __ndprof_here() {}
        fn __ndprof_name_of<T>(_: T) -> &'static str {
            ::std::any::type_name::<T>()
        }
        let __ndprof_name: &'static str = {
            let full = __ndprof_name_of(__ndprof_here);
            full.strip_suffix("::__ndprof_here").unwrap_or(full)
        };
        $crate::profile!(@site __ndprof_name);
    };
}
