//! The HTML report opens in headless Chromium and renders with no console errors.
//!
//! Needs Debian's `chromium` (`apt-get install chromium`; `.ci/run` installs it). Without it the
//! test says so and passes, so that a machine without a browser can still run `cargo test`.
//! `JIXIAO_CHROMIUM=/path/to/chrome` picks another binary; `JIXIAO_SCREENSHOT=DIR` also saves a
//! screenshot and a PDF print of the report there, to look at (optional; needs CJK fonts such as
//! `fonts-noto-cjk` to be readable).
#![cfg(feature = "html")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("JIXIAO_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Flags for a headless run on a machine with no network and no display.
fn headless(chrome: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The page's console messages, and its DOM after loading.
fn open(chrome: &Path, page: &Path, scratch: &Path, name: &str) -> (Vec<String>, String) {
    let out = headless(chrome, &scratch.join(format!("profile-{name}")))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (console, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_report_renders_in_chromium_without_console_errors() {
    let Some(chrome) = chromium() else {
        eprintln!(
            "skipped: chromium is not installed (apt-get install chromium, or set JIXIAO_CHROMIUM)"
        );
        return;
    };
    let dir = common::scratch("html-report");
    let page = dir.join("report.html");
    let out = common::jixiao(&[
        "report",
        "evaluations/xuchang-2023/",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is fetched, nothing runs.
    for external in ["http://", "https://", "<script", "<link", " src="] {
        assert!(!html.contains(external), "the page refers to {external}");
    }
    assert!(html.contains("@page { size: A4;"));

    // The harness sees console errors when there are some.
    let bad = dir.join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><script>console.error('planted');</script></body></html>",
    )
    .unwrap();
    let (console, _) = open(&chrome, &bad, &dir, "bad");
    assert!(
        console.iter().any(|l| l.contains("planted")),
        "chromium did not report a planted console error; stderr lines: {console:?}"
    );

    let (console, dom) = open(&chrome, &page, &dir, "report");
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert_eq!(
        dom.matches("<section class=\"form\"").count(),
        4,
        "one page per form"
    );
    for figure in ["98.22", "94.52", "4018.56", "45.18", "部门整体自评表"] {
        assert!(dom.contains(figure), "the rendered page shows {figure}");
    }

    if let Ok(shots) = std::env::var("JIXIAO_SCREENSHOT") {
        let shots = PathBuf::from(shots);
        std::fs::create_dir_all(&shots).unwrap();
        let status = headless(&chrome, &dir.join("profile-shot"))
            .arg("--window-size=1000,1400")
            .arg(format!(
                "--screenshot={}",
                shots.join("report.png").display()
            ))
            .arg(format!("file://{}", page.display()))
            .status()
            .unwrap();
        assert!(status.success());
        let status = headless(&chrome, &dir.join("profile-pdf"))
            .arg("--no-pdf-header-footer")
            .arg(format!(
                "--print-to-pdf={}",
                shots.join("report.pdf").display()
            ))
            .arg(format!("file://{}", page.display()))
            .status()
            .unwrap();
        assert!(status.success());
    }
}
