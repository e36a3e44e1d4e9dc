//! Writes a corpus of realistic form files for benchmarks and batch tests; see
//! `examples/support/corpus.rs`.
//!
//!     cargo run --release --example gen_corpus -- --forms 1000 --seed 1 --out corpus

#[path = "support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    forms: usize,
    seed: u64,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut forms = 1000;
    let mut seed = 1;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--forms" => forms = value()?.parse().map_err(|e| format!("--forms: {e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: gen_corpus --forms N --seed S --out DIR"
                ));
            }
        }
    }
    Ok(Args {
        forms,
        seed,
        out: out.ok_or("--out DIR is required")?,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            return ExitCode::from(2);
        }
    };
    match corpus::generate(args.forms, args.seed, &args.out) {
        Ok(planted) => {
            let errors = planted.iter().filter(|(_, p)| p.is_error()).count();
            let mut by_code: Vec<(&str, usize)> = Vec::new();
            for (_, p) in &planted {
                match by_code.iter_mut().find(|(c, _)| *c == p.code()) {
                    Some((_, n)) => *n += 1,
                    None => by_code.push((p.code(), 1)),
                }
            }
            by_code.sort();
            let list: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
            eprintln!(
                "gen_corpus: wrote {} forms to {} ({} planted problems, {errors} of error severity, listed in planted.csv): {}",
                args.forms,
                args.out.display(),
                planted.len(),
                list.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(1)
        }
    }
}
