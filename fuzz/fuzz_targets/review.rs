//! Fuzz target `review`: see `fuzz/harness/mod.rs` (`harness::review`) for what it runs and asserts.
#![no_main]

#[path = "../harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::review(data));
