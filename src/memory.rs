//! The process's memory: its peak, and keeping it near what is in use.
//!
//! glibc's allocator keeps memory that a stage frees inside its arenas, to
//! reuse it, and gives threads arenas of their own (up to eight per core).
//! The stages run on different threads: ingest and the report writer on
//! rayon's pool, the polars plans on polars' own. With an arena per thread,
//! what ingest frees (the typed rows of every file, most of what it used)
//! stays in arenas the polars threads never allocate from, and the process
//! grows by the plans' and the report's size on top. So the run shares a
//! few arenas between all threads ([`share_arenas`]), frees the rows as soon
//! as validation is done, and gives whole free pages back to the kernel
//! ([`discard`]). Measured on 2,000 workbooks: see the README's performance
//! section.

/// Limits glibc to one malloc arena per core for the whole process
/// (`M_ARENA_MAX`; glibc's default is eight per core), so that memory one
/// thread frees is reused by the others. On the benchmark's two cores this
/// keeps the peak where sharing polars' thread pool kept it, at the same
/// CPU time; one arena in all saves a few MB more for a little more CPU
/// time. Takes effect for threads that have not allocated yet: call it
/// before any work. Does nothing elsewhere than on glibc.
#[allow(unsafe_code)]
pub fn share_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let arenas = i32::try_from(cores).unwrap_or(i32::MAX);
        // SAFETY: mallopt takes no pointers; glibc applies it under its own
        // lock, at any time, from any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Frees `value` on a thread of its own, then gives the freed pages back
/// to the system: what a stage leaves behind is hundreds of thousands of
/// small allocations (about 10 ms on the benchmark) that the next stage
/// need not wait for, and the command line exits without waiting. Frees
/// in place when no thread can be started.
pub fn discard<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("pps-discard".to_owned())
        .spawn(move || {
            drop(value);
            release_free_memory();
        });
}

/// Returns whole free pages of every malloc arena to the kernel (glibc
/// `malloc_trim`). Costs a few milliseconds; does nothing elsewhere.
#[allow(unsafe_code)]
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers and touches only glibc's own
    // free lists, under each arena's lock; it is safe to call at any time
    // from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The process's peak resident memory so far, where the system tells
/// (Linux: `VmHWM` in `/proc/self/status`).
pub fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
