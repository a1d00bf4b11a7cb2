//! The process's memory: its peak, and handing freed memory back between
//! stages.
//!
//! glibc's allocator keeps memory that a stage frees inside its arenas, to
//! reuse it. After ingest and validation that is most of what they used
//! (the typed rows of every file), scattered between the few allocations
//! that live on; the polars plans and the report writer then ask for
//! differently sized blocks that do not fit those holes, and the process
//! grows by their size on top. Giving the free pages back to the kernel
//! between stages keeps the peak near what is really in use (measured on
//! 2,000 workbooks: see the README's performance section).

/// Returns whole free pages of every malloc arena to the kernel (glibc
/// `malloc_trim`). Costs a few milliseconds; does nothing elsewhere.
#[allow(unsafe_code)]
pub fn release_free_memory() {
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
