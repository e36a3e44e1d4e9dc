//! Fuzz target `xlsx`: see `fuzz/harness/mod.rs` (`harness::xlsx`) for what it runs and asserts.
#![no_main]

#[path = "../harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::xlsx(data));
