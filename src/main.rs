// Loading a form allocates many small strings; mimalloc's fast path makes the batch path
// about a fifth quicker than the system allocator (docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jixiao::cli::main()
}
