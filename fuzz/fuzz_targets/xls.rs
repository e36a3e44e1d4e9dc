//! Fuzz target `xls`: see `fuzz/harness/mod.rs` (`harness::document`) for what it runs and asserts.
#![no_main]

#[path = "../harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::document(data));
